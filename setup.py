"""The one compiled part: signaling/media/_rtp_out.c (metadata lives in pyproject.toml)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "signaling.media._rtp_out",
            ["signaling/media/_rtp_out.c"],
            extra_compile_args=["-O2", "-Wall", "-Wextra", "-Werror"],
        )
    ]
)
