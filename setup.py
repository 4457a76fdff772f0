"""The compiled parts (metadata lives in pyproject.toml): signaling/media/_fastpath.c (SRTP and
send), _rewrite.c (a downtrack's rewrite, writing packets with rtp_writer.c) and _parse.c (RTP
and VP8 descriptor parsing on the receive path)."""

from setuptools import Extension, setup

FLAGS = ["-O2", "-Wall", "-Wextra", "-Werror"]
MEDIA = "signaling/media"

setup(
    ext_modules=[
        Extension("signaling.media._fastpath", [f"{MEDIA}/_fastpath.c"], extra_compile_args=FLAGS),
        Extension("signaling.media._parse", [f"{MEDIA}/_parse.c"], extra_compile_args=FLAGS),
        Extension(
            "signaling.media._rewrite",
            [f"{MEDIA}/_rewrite.c", f"{MEDIA}/rtp_writer.c"],
            depends=[f"{MEDIA}/rtp_writer.h"],
            extra_compile_args=FLAGS,
            libraries=["m"],
        ),
    ]
)
