"""The one compiled part: signaling/media/_srtp_send.c (metadata lives in pyproject.toml)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "signaling.media._srtp_send",
            ["signaling/media/_srtp_send.c"],
            extra_compile_args=["-O2", "-Wall", "-Wextra", "-Werror"],
        )
    ]
)
