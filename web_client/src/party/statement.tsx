// A video statement recorded on the person's phone for one stage of a staggered hearing
// (docs/architecture.md#staggered-hearings): the recorder (shared/recorder.tsx: self-test,
// preview, record again, submit) sending to the stage's turns (shared/staggered.ts TurnUpload).
import type { VNode } from "preact";
import type { TurnOut } from "../generated/api";
import { VideoRecorder } from "../shared/recorder";
import { TurnUpload } from "../shared/staggered";

export function StatementRecorder(props: {
  stageId: number;
  participantId: number;
  /** The deadline in words, for a `deadline_passed` refusal. */
  deadline: string;
  /** The person's turn this statement corrects; null: their first. */
  corrects: number | null;
  submitted: (turn: TurnOut) => void;
  cancel: () => void;
}): VNode {
  const { stageId, participantId, corrects } = props;
  return (
    <VideoRecorder<TurnOut>
      upload={(recording, mediaType, progress) =>
        new TurnUpload(stageId, participantId, recording, mediaType, progress, corrects)
      }
      deadline={props.deadline}
      submitted={props.submitted}
      cancel={props.cancel}
    />
  );
}
