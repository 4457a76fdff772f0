"""Pictures as 4:2:0 planes in numpy, so composing a frame is array copies, never a colour
conversion. A `Picture`'s planes are numpy views into a `VideoFrame` of its own, so a composed
picture goes to the encoder without another copy."""

import numpy as np
import numpy.typing as npt
from av import VideoFrame
from av.video.plane import VideoPlane
from av.video.reformatter import Interpolation, VideoReformatter
from PIL import Image

from .layout import Rect, fit

Plane = npt.NDArray[np.uint8]
YUV = tuple[int, int, int]

BLACK: YUV = (16, 128, 128)
YELLOW: YUV = (210, 16, 146)


def yuv(red: int, green: int, blue: int) -> YUV:
    """BT.601 limited range, as swscale converts."""
    y = 16 + (65.738 * red + 129.057 * green + 25.064 * blue) / 256
    u = 128 + (-37.945 * red - 74.494 * green + 112.439 * blue) / 256
    v = 128 + (112.439 * red - 94.154 * green - 18.285 * blue) / 256
    return round(y), round(u), round(v)


class Picture:
    """Planes written in place in a `VideoFrame` of its own."""

    def __init__(self, width: int, height: int, fill: YUV | None = BLACK) -> None:
        if width % 2 or height % 2:
            raise ValueError("4:2:0 pictures have even sizes")
        self.width, self.height = width, height
        self._frame = VideoFrame(width, height, "yuv420p")
        self.y, self.u, self.v = (plane_array(plane) for plane in self._frame.planes)
        if fill is not None:
            self.fill(Rect(0, 0, width, height), fill)

    @classmethod
    def from_frame(cls, frame: VideoFrame) -> "Picture":
        frame = frame if frame.format.name == "yuv420p" else frame.reformat(format="yuv420p")
        picture = cls(frame.width, frame.height, None)
        picture.paste_frame(frame, 0, 0)
        return picture

    @classmethod
    def from_image(cls, image: Image.Image) -> "Picture":
        rgb = np.asarray(image.convert("RGB"))
        return cls.from_frame(VideoFrame.from_ndarray(rgb, format="rgb24"))

    def copy(self) -> "Picture":
        picture = Picture(self.width, self.height, None)
        picture.paste(self, 0, 0)
        return picture

    def fill(self, rect: Rect, colour: YUV) -> None:
        x, y, w, h = rect.x, rect.y, rect.width, rect.height
        self.y[y : y + h, x : x + w] = colour[0]
        self.u[y // 2 : (y + h) // 2, x // 2 : (x + w) // 2] = colour[1]
        self.v[y // 2 : (y + h) // 2, x // 2 : (x + w) // 2] = colour[2]

    def paste(self, source: "Picture", x: int, y: int) -> None:
        w, h = source.width, source.height
        self.y[y : y + h, x : x + w] = source.y
        self.u[y // 2 : (y + h) // 2, x // 2 : (x + w) // 2] = source.u
        self.v[y // 2 : (y + h) // 2, x // 2 : (x + w) // 2] = source.v

    def paste_frame(self, frame: VideoFrame, x: int, y: int) -> None:
        """Copy a yuv420p frame's planes in without building a Picture first."""
        w, h = frame.width, frame.height
        y_plane, u_plane, v_plane = (plane_array(p) for p in frame.planes)
        self.y[y : y + h, x : x + w] = y_plane
        self.u[y // 2 : (y + h) // 2, x // 2 : (x + w) // 2] = u_plane
        self.v[y // 2 : (y + h) // 2, x // 2 : (x + w) // 2] = v_plane

    def ring(self, rect: Rect, width: int, colour: YUV) -> None:
        """A frame of `width` pixels drawn just outside `rect`."""
        outer = Rect(rect.x - width, rect.y - width, rect.width + 2 * width, width)
        self.fill(outer, colour)
        self.fill(Rect(outer.x, rect.y + rect.height, outer.width, width), colour)
        self.fill(Rect(outer.x, rect.y, width, rect.height), colour)
        self.fill(Rect(rect.x + rect.width, rect.y, width, rect.height), colour)

    def to_frame(self) -> VideoFrame:
        """The frame the planes live in: the picture must not be changed after this."""
        return self._frame


def plane_array(plane: VideoPlane) -> Plane:
    """A view of a frame plane without its line padding."""
    rows = np.frombuffer(memoryview(plane), np.uint8).reshape(plane.height, plane.line_size)
    return rows[:, : plane.width]


class FittedScaler:
    """Scales one source's pictures to fit an area (letter- or pillar-boxed) with one swscale
    context; the last result is kept, since a picture is often drawn again before the next
    one arrives."""

    def __init__(self) -> None:
        self._reformatter = VideoReformatter()
        self._last: tuple[VideoFrame, Rect, VideoFrame, Rect] | None = None

    def fit(self, frame: VideoFrame, area: Rect) -> tuple[VideoFrame, Rect]:
        """The picture scaled, and where it goes in `area`."""
        last = self._last
        if last is not None and last[0] is frame and last[1] == area:
            return last[2], last[3]
        rect = fit(area, frame.width, frame.height)
        scaled = self._reformatter.reformat(
            frame, rect.width, rect.height, "yuv420p", interpolation=Interpolation.BILINEAR
        )
        self._last = (frame, area, scaled, rect)
        return scaled, rect
