"""Joins the rendered chunks into the archive MP4: the H.264 packets are copied as they are
(every chunk starts with a keyframe and was encoded with the same settings), the PCM audio is
encoded to AAC in one continuous pass (no encoder priming at the seams), the chapters and the
hearing's metadata are added, and the index (moov) goes to the front of the file so a browser
can start playing and seeking before it has the whole file (faststart).
"""

from collections.abc import Callable, Sequence
from fractions import Fraction
from pathlib import Path

import av
from av import AudioFrame

from .encoding import add_aac, open_archive, write_chapters
from .plan import AUDIO_RATE, RenderPlan
from .timeline import OutputTimeline


class ChunkMismatchError(RuntimeError):
    """A chunk's video was encoded differently from the first's: render it again."""


def assemble(
    plan: RenderPlan,
    timeline: OutputTimeline,
    chunks: Sequence[Path],
    target: Path,
    on_chunk: Callable[[], None],
) -> None:
    """Write the archive to `target` (an .mp4 path, usually a temporary name)."""
    fps = plan.settings.fps
    frame_time = Fraction(1, fps)
    with (
        av.open(str(chunks[0])) as first,
        open_archive(target) as out,
    ):
        out.metadata["title"] = f"{plan.case_number} {plan.title}"
        out.metadata["comment"] = "Hearing archive"
        template = first.streams.video[0]
        extradata = template.codec_context.extradata
        video = out.add_stream_from_template(template)
        video.time_base = frame_time
        audio = add_aac(out, plan.settings)
        frames = samples = 0
        for path in chunks:
            with av.open(str(path)) as chunk:
                if chunk.streams.video[0].codec_context.extradata != extradata:
                    raise ChunkMismatchError(f"{path.name} differs from {chunks[0].name}")
                for packet in chunk.demux():
                    if packet.size == 0:
                        continue
                    if packet.stream.type == "video":
                        packet.stream = video
                        packet.pts = packet.dts = frames
                        packet.duration = 1
                        packet.time_base = frame_time
                        out.mux(packet)
                        frames += 1
                    else:
                        for pcm in packet.decode():
                            assert isinstance(pcm, AudioFrame)
                            pcm.pts = samples
                            pcm.time_base = Fraction(1, AUDIO_RATE)
                            samples += pcm.samples
                            out.mux(audio.encode(pcm))
            on_chunk()
        out.mux(audio.encode(None))
        write_chapters(out, timeline.chapters)
