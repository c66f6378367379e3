/**
 * The cutover's finalize actions, run after the final pass, each at most once per attempt: the
 * checkpoint records a step as soon as it is done, so a redelivered slice resumes after it.
 * Assigning the licence is idempotent in Graph as well (an assigned SKU is seen and skipped); the
 * notice is written as a draft whose id is recorded before it is sent, and Exchange sends a draft
 * at most once; the `cutovers` message carries a MessageId the broker deduplicates.
 */
import type { Account, CutoverNotice as NoticeTemplate, WaveRecord } from "../domain/index.js";
import type { MoverPorts } from "./ports.js";
import { ItemRejectedError, PermanentTransferError, TransientTransferError } from "../graph/errors.js";
import type { GraphUser } from "../graph/port.js";
import { withTransientRetry } from "../graph/retry.js";
import type { FinalizeStep } from "./checkpoint.js";

/** What the finalize actions read and record: the copy's checkpoint and the hybrid engine's have it. */
export interface FinalizeState {
  /** The target user, by Entra object id or UPN. */
  readonly targetUserId: string;
  readonly finalized: readonly FinalizeStep[];
  readonly warnings: readonly string[];
  readonly noticeDraft?: { readonly id: string; readonly from: string };
}

/** Time the finalize actions may spend retrying transient Graph failures within one slice. */
const FINALIZE_BUDGET_MS = 30_000;

/** Fills a notice template; unknown placeholders stay as written. */
export function renderNotice(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** Whether the wave has finalize actions the account has not done yet. */
export function hasFinalizeWork(wave: WaveRecord, checkpoint: Pick<FinalizeState, "finalized">): boolean {
  const configured: FinalizeStep[] = [
    ...(wave.finalize.licenseSkuId !== undefined ? (["licence"] as const) : []),
    ...(wave.finalize.notify !== undefined ? (["notice"] as const) : []),
    ...(wave.finalize.announce ? (["announce"] as const) : []),
  ];
  return configured.some((step) => !checkpoint.finalized.includes(step));
}

/** What the finalize actions work with: the target tenant, the cutover notices, the time. */
export type FinalizePorts = Pick<MoverPorts, "target" | "cutovers" | "now">;

/** Runs the wave's finalize actions not yet done; returns the checkpoint with them recorded. */
export async function finalizeCutover<C extends FinalizeState>(
  services: FinalizePorts,
  account: Account,
  wave: WaveRecord,
  start: C,
  save: (checkpoint: C) => Promise<void>,
): Promise<C> {
  const deadline = Date.now() + FINALIZE_BUDGET_MS;
  const target = services.target.api;
  let checkpoint = start;
  let user: GraphUser | undefined;
  const targetUser = async (): Promise<GraphUser> => {
    user ??= await withTransientRetry(() => target.findUser(checkpoint.targetUserId), deadline);
    if (!user) {
      throw new PermanentTransferError(
        "TargetUserNotFound",
        "the target user is gone",
        "Request_ResourceNotFound",
      );
    }
    return user;
  };
  const done = async (step: FinalizeStep, warning?: string): Promise<void> => {
    checkpoint = {
      ...checkpoint,
      finalized: [...checkpoint.finalized, step],
      warnings: warning ? [...checkpoint.warnings, warning] : checkpoint.warnings,
    };
    await save(checkpoint);
  };
  const pending = (step: FinalizeStep): boolean => !checkpoint.finalized.includes(step);

  const skuId = wave.finalize.licenseSkuId;
  if (skuId !== undefined && pending("licence")) {
    const current = await targetUser();
    if (!(current.assignedLicenses ?? []).some((licence) => licence.skuId === skuId)) {
      if (!current.usageLocation) {
        throw new PermanentTransferError(
          "UsageLocationMissing",
          "the target user has no usage location, which a licence needs; set it and retry the account",
          "UsageLocationMissing",
        );
      }
      try {
        await withTransientRetry(() => target.assignLicense(current.id, skuId), deadline);
      } catch (error) {
        if (!(error instanceof ItemRejectedError)) throw error;
        throw new PermanentTransferError(
          "LicenceAssignmentFailed",
          `the target licence could not be assigned (${error.code})`,
          error.code,
          { cause: error },
        );
      }
    }
    await done("licence");
  }

  const notice = wave.finalize.notify;
  if (notice !== undefined && pending("notice")) {
    const warning = await sendNotice(services, account, notice, await targetUser(), {
      recorded: checkpoint.noticeDraft,
      record: async (draft) => {
        checkpoint = { ...checkpoint, noticeDraft: draft };
        await save(checkpoint);
      },
      deadline,
    });
    await done("notice", warning);
  }

  if (wave.finalize.announce && pending("announce")) {
    await services.cutovers.announce({
      v: 1,
      waveId: account.waveId,
      accountId: account.id,
      attempt: account.attempt,
      sourceUpn: account.source.upn,
      targetUpn: account.target.upn,
      targetUserId: checkpoint.targetUserId,
      cutoverAt: services.now().toISOString(),
    });
    await done("announce");
  }
  return checkpoint;
}

/** A notice's draft: its id in the mailbox it is sent from. */
interface NoticeDraft {
  readonly id: string;
  readonly from: string;
}

/**
 * Sends the user's cutover notice once; a refusal is a warning on the account, not a failure. The
 * notice is written as a draft first and the draft recorded: every later try, in this slice or a
 * resumed one, sends that draft, which Exchange sends only once. Once a send may have gone through
 * (no answer came, or an earlier slice tried), a refusal to send the draft means it is a draft no
 * more: it went. A draft never recorded (a crash right after writing it, or a lost answer to the
 * write) stays unsent in the sender's Drafts.
 */
async function sendNotice(
  services: FinalizePorts,
  account: Account,
  notice: NoticeTemplate,
  user: GraphUser,
  draft: {
    readonly recorded: NoticeDraft | undefined;
    readonly record: (draft: NoticeDraft) => Promise<void>;
    readonly deadline: number;
  },
): Promise<string | undefined> {
  const api = services.target.api;
  const values = {
    displayName: user.displayName ?? account.target.upn,
    upn: account.target.upn,
    cutoverTime: services.now().toISOString(),
  };
  const writeDraft = async (): Promise<NoticeDraft> => {
    const id = await withTransientRetry(
      () =>
        api.createDraft(
          notice.from,
          user.mail ?? account.target.upn,
          renderNotice(notice.subject, values),
          renderNotice(notice.body, values),
        ),
      draft.deadline,
    );
    const written = { id, from: notice.from };
    await draft.record(written);
    return written;
  };
  // An earlier slice recorded the draft and may have sent it.
  const resumed = draft.recorded !== undefined;
  let mayHaveGone = resumed;
  try {
    const written: NoticeDraft = draft.recorded ?? (await writeDraft());
    const sendOnce = async (): Promise<"sent" | "gone"> => {
      try {
        await api.sendDraft(written.from, written.id);
        return "sent";
      } catch (error) {
        // Once a send may have gone through, a refusal means the draft is a draft no more: it went.
        if (error instanceof ItemRejectedError && mayHaveGone) return "gone";
        // No answer, or the service failed midway: this send may have gone through.
        if (error instanceof TransientTransferError && (error.status === 0 || (error.status ?? 0) >= 500))
          mayHaveGone = true;
        throw error;
      }
    };
    if ((await withTransientRetry(sendOnce, draft.deadline)) === "sent") return undefined;
  } catch (error) {
    if (!(error instanceof ItemRejectedError)) throw error;
    return `cutover notice not sent (${error.code})`;
  }
  // The draft was gone. After no answer in this slice, the first send went; after a resume, most
  // likely the earlier slice sent it, though a draft deleted by hand looks the same: say so.
  return resumed ? "cutover notice taken as sent: its draft was no longer there to send" : undefined;
}
