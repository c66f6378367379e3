/**
 * How the product reads Graph's answers and the import URL's: the import URL answers in a shape
 * of its own (`{"Message": ...}`), documented only for the archive redirect's 409; permanent 403s
 * have failure classes; an expired delta link is told by 410 or by `syncStateNotFound`.
 */
import { GraphError } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import {
  DeltaExpiredError,
  ImportRedirectError,
  ImportSessionExpiredError,
  ItemRejectedError,
  PermanentTransferError,
  ThrottledError,
  TransientTransferError,
} from "../../../shared/graph/errors.js";
import {
  classifyDeleteError,
  classifyGraphError,
  classifyImportReply,
  isExpiredDelta,
} from "../../../shared/graph/graph-errors.js";

const NOW = Date.UTC(2026, 5, 1);

function reply(status: number, body: unknown, headers: Record<string, string> = {}) {
  return {
    status,
    text: typeof body === "string" ? body : JSON.stringify(body),
    headers: new Headers(headers),
  };
}

function graphError(status: number, code: string, message = ""): GraphError {
  const error = new GraphError(status, message);
  error.code = code;
  return error;
}

describe("the import URL's answers", () => {
  it("follows the archive redirect's 409 to the mailbox its message names", () => {
    const error = classifyImportReply(
      reply(409, {
        Message:
          "Invalid import session. The target session is expected in mailbox MBX:f10964a6-4fd0-4f74-8@4d2e-9e48-109351d094ab.",
      }),
      NOW,
    );
    expect(error).toBeInstanceOf(ImportRedirectError);
    expect((error as ImportRedirectError).mailboxId).toBe("MBX:f10964a6-4fd0-4f74-8@4d2e-9e48-109351d094ab");
  });

  it("reads a code from its own shape and from Graph's, and rejects only the item", () => {
    const own = classifyImportReply(reply(400, { Message: "ErrorCorruptData: a property is corrupt." }), NOW);
    const graphs = classifyImportReply(
      reply(400, { error: { code: "ErrorCorruptData", message: "corrupt" } }),
      NOW,
    );
    for (const error of [own, graphs]) {
      expect(error).toBeInstanceOf(ItemRejectedError);
      expect((error as ItemRejectedError).code).toBe("ErrorCorruptData");
    }
    const bare = classifyImportReply(reply(422, "unprocessable"), NOW);
    expect((bare as ItemRejectedError).code).toBe("Http422");
  });

  it("takes every answer an expired URL might give as an expired session, since none is documented", () => {
    for (const [status, body] of [
      [401, { Message: "The import session has expired." }],
      [403, { Message: "Forbidden" }],
      [404, { Message: "No such session" }],
      [410, ""],
      [400, { Message: "The auth token has expired." }],
    ] as const) {
      expect([status, classifyImportReply(reply(status, body), NOW)]).toEqual([
        status,
        expect.any(ImportSessionExpiredError),
      ]);
    }
  });

  it("fails a full mailbox for good, and waits or retries what passes", () => {
    const full = classifyImportReply(
      reply(403, { Message: "ErrorQuotaExceeded: The mailbox is over its quota." }),
      NOW,
    );
    expect(full).toBeInstanceOf(PermanentTransferError);
    expect((full as PermanentTransferError).failureClass).toBe("TargetMailboxFull");
    const throttled = classifyImportReply(reply(429, "", { "Retry-After": "7" }), NOW);
    expect((throttled as ThrottledError).retryAt.getTime()).toBe(NOW + 7_000);
    expect(classifyImportReply(reply(503, ""), NOW)).toBeInstanceOf(TransientTransferError);
  });
});

describe("Graph's refusals", () => {
  it("gives a full mailbox and a mailbox outside the app's scope their own failure classes", () => {
    const full = classifyGraphError(
      graphError(403, "ErrorQuotaExceeded", "The mailbox is over its quota."),
      "x",
    );
    expect((full as PermanentTransferError).failureClass).toBe("TargetMailboxFull");
    const scope = classifyGraphError(
      graphError(
        403,
        "ErrorAccessDenied",
        "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.",
      ),
      "x",
    );
    expect((scope as PermanentTransferError).failureClass).toBe("OutsideApplicationScope");
    // A missing permission is the app's, fixed once for every account: not the mailbox's.
    const permission = classifyGraphError(
      graphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."),
      "x",
    );
    expect(permission).toBeInstanceOf(TransientTransferError);
  });

  it("takes a refused delete of a copy as a hold, and a missing permission as the app's", () => {
    const held = classifyDeleteError(graphError(403, "ErrorCannotDeleteObject", "protected"), "deleting");
    expect((held as PermanentTransferError).failureClass).toBe("ItemOnHold");
    const denied = classifyDeleteError(graphError(403, "ErrorAccessDenied", "Access is denied."), "deleting");
    expect(denied).toBeInstanceOf(TransientTransferError);
  });

  it("tells an expired delta link by 410 or by syncStateNotFound, as the two readings of the docs have it", () => {
    expect(isExpiredDelta(graphError(410, "SyncStateNotFound"))).toBe(true);
    expect(
      isExpiredDelta(graphError(400, "syncStateNotFound", "The sync state generation is not found.")),
    ).toBe(true);
    expect(isExpiredDelta(graphError(400, "BadRequest", "Invalid request"))).toBe(false);
    expect(new DeltaExpiredError().name).toBe("DeltaExpiredError");
  });
});
