"""The one compiled part: signaling/media/_fastpath.c (metadata lives in pyproject.toml)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "signaling.media._fastpath",
            ["signaling/media/_fastpath.c"],
            extra_compile_args=["-O2", "-Wall", "-Wextra", "-Werror"],
        )
    ]
)
