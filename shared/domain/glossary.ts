/**
 * The words for how an account's move is divided, used in this one sense throughout the code,
 * its messages and its stored state.
 *
 * - **Attempt**: one release of the account into the pipeline. Pending → Queued starts attempt 1;
 *   every later release (a retry of a Failed account) starts the next. Slices are numbered anew
 *   in each attempt, and a message of an earlier attempt is stale. Finalize actions run at most
 *   once per attempt.
 * - **Pass**: one complete copy of the account's mailboxes: every folder read on to its deltaLink,
 *   then what the source reported removed settled. Its kind (initial, incremental or the
 *   cutover's final pass, see `PassKind` and `passOf`) follows from the account's status and
 *   round. A pass takes one slice or many, and a retry resumes it.
 * - **Round**: the number of the account's current pass: 0 for the initial copy, one more for
 *   every pass started from Synced (an incremental pass or the cutover). It never goes back, not
 *   even for a retry: the transfer state remembers the round each folder was last read for, and
 *   only a higher round opens the folders for a new pass.
 * - **Slice**: one time-boxed piece of a pass, the work of one `moves` message: it copies what
 *   fits in the slice's time (pipeline `sliceMs`) and hands the rest to the next slice's message.
 *   Numbered from 1 within an attempt, on across passes; an account's `slice` is the last one
 *   whose progress was recorded.
 *
 * A request retried after a transient failure is tried again; that is a try, not an attempt.
 */

/** Which release of the account: 1 from Pending → Queued, one more for each retry. */
export type AttemptNumber = number;

/** The number of the account's current pass: 0 for the initial copy. */
export type RoundNumber = number;

/** A slice's place in its attempt: 1 for the first. */
export type SliceNumber = number;
