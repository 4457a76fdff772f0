"""Where finished recording files are kept: a small interface, and a local-folder store.

Keys are relative POSIX paths ("hearing-12/alice-video-00003.mkv"). The interface is blocking
and made of whole-object operations plus ranged reads, which is what an S3-compatible store
offers too (put object, ranged GET, HEAD, list by prefix, delete); async callers run it in a
thread (`asyncio.to_thread`).
"""

import os
import shutil
from abc import ABC, abstractmethod
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

CHUNK = 1 << 20


class Storage(ABC):
    @abstractmethod
    def put(self, key: str, source: Path) -> int:
        """Store a copy of the finished file `source` under `key`; return its size."""

    @abstractmethod
    def put_bytes(self, key: str, data: bytes) -> None: ...

    @abstractmethod
    def read(self, key: str, start: int = 0, length: int | None = None) -> bytes:
        """Bytes `start` .. `start + length` (to the end when `length` is None), as for an
        HTTP Range request. Raises FileNotFoundError for an unknown key."""

    @abstractmethod
    def size(self, key: str) -> int: ...

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def keys(self, prefix: str = "") -> list[str]:
        """Every key starting with `prefix`, sorted."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove `key` (and its backup copy); unknown keys are ignored."""


def check_key(key: str) -> str:
    """Refuse keys that could leave the store's root or mean different files on different
    systems: absolute paths, '..', backslashes, empty parts."""
    path = PurePosixPath(key)
    if (
        not key
        or "\\" in key
        or "\0" in key
        or path.is_absolute()
        or any(part in ("", ".", "..") for part in key.split("/"))
    ):
        raise ValueError(f"invalid storage key {key!r}")
    return key


class LocalStorage(Storage):
    """Files under `root`; with `backup_root`, every put is also written there (e.g. a second
    disk or a mounted share), and reads fall back to the backup when the main copy is gone."""

    def __init__(self, root: Path, backup_root: Path | None = None) -> None:
        self.root = root
        self.backup_root = backup_root

    def put(self, key: str, source: Path) -> int:
        for root in self._roots():
            target = self._path(root, key)
            if not (target.exists() and target.samefile(source)):
                _copy_atomically(target, lambda out: _copy_file(source, out))
        return source.stat().st_size

    def put_bytes(self, key: str, data: bytes) -> None:
        for root in self._roots():
            _copy_atomically(self._path(root, key), lambda out: out.write_bytes(data))

    def read(self, key: str, start: int = 0, length: int | None = None) -> bytes:
        if start < 0 or (length is not None and length < 0):
            raise ValueError("negative range")
        with self._existing(key).open("rb") as file:
            file.seek(start)
            return file.read() if length is None else file.read(length)

    def size(self, key: str) -> int:
        return self._existing(key).stat().st_size

    def exists(self, key: str) -> bool:
        return any(self._path(root, key).is_file() for root in self._roots())

    def keys(self, prefix: str = "") -> list[str]:
        if not self.root.is_dir():
            return []
        keys = (
            path.relative_to(self.root).as_posix()
            for path in self.root.rglob("*")
            if path.is_file() and not path.name.endswith(".part")
        )
        return sorted(key for key in keys if key.startswith(prefix))

    def delete(self, key: str) -> None:
        for root in self._roots():
            self._path(root, key).unlink(missing_ok=True)

    def _roots(self) -> list[Path]:
        return [self.root] if self.backup_root is None else [self.root, self.backup_root]

    def _path(self, root: Path, key: str) -> Path:
        return root.joinpath(*check_key(key).split("/"))

    def _existing(self, key: str) -> Path:
        for root in self._roots():
            path = self._path(root, key)
            if path.is_file():
                return path
        raise FileNotFoundError(key)


class FolderView(LocalStorage):
    """One hearing's folder wherever it was copied: the keys under `prefix` ("hearing-12/")
    are the folder's files by their names. For checking a record, not for writing one."""

    def __init__(self, folder: Path, prefix: str = "") -> None:
        super().__init__(folder)
        self.prefix = prefix

    def keys(self, prefix: str = "") -> list[str]:
        names = LocalStorage.keys(self)
        return [key for key in (self.prefix + name for name in names) if key.startswith(prefix)]

    def _path(self, root: Path, key: str) -> Path:
        check_key(key)
        if self.prefix and key.startswith(self.prefix):
            key = key.removeprefix(self.prefix)
        return super()._path(root, key)


def _copy_file(source: Path, target: Path) -> None:
    with source.open("rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst, CHUNK)


def _copy_atomically(target: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file, sync it and rename it into place: a reader never sees
    half a file, and a crash leaves only a `.part` file behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".part")
    write(temporary)
    with temporary.open("rb") as file:
        os.fsync(file.fileno())
    os.replace(temporary, target)


class S3Storage(Storage):
    """Objects in an S3-compatible bucket (AWS S3, MinIO, Ceph...), under `prefix`.

    Files are recorded to the local recordings folder first (a segment is written while it
    grows, which an object store cannot do); once sealed, `put` uploads them. Reads are ranged
    GETs, so streaming an archive with HTTP Range never fetches the whole object. Credentials
    come from boto3's usual chain (environment, config files, instance role); boto3 is an
    optional dependency (`pip install 'hearing-server[s3]'`).
    """

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        client: Any = None,
    ) -> None:
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        if prefix:
            check_key(prefix.rstrip("/"))
        self.bucket = bucket
        self.prefix = prefix
        if client is None:
            import boto3  # optional: only a server configured for S3 needs it

            client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region)
        self._client = client

    def put(self, key: str, source: Path) -> int:
        self._client.upload_file(str(source), self.bucket, self._name(key))
        return source.stat().st_size

    def put_bytes(self, key: str, data: bytes) -> None:
        self._client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)

    def read(self, key: str, start: int = 0, length: int | None = None) -> bytes:
        if start < 0 or (length is not None and length < 0):
            raise ValueError("negative range")
        if length == 0:
            self.size(key)  # still FileNotFoundError for an unknown key
            return b""
        end = "" if length is None else str(start + length - 1)
        name = self._name(key)
        try:
            response = self._client.get_object(
                Bucket=self.bucket, Key=name, Range=f"bytes={start}-{end}"
            )
        except Exception as error:
            if _status(error) == 416:  # starts at or past the end
                self.size(key)
                return b""
            raise _translated(error, key) from error
        body = response["Body"]
        try:
            data: bytes = body.read()
        finally:
            body.close()
        return data

    def size(self, key: str) -> int:
        name = self._name(key)
        try:
            response = self._client.head_object(Bucket=self.bucket, Key=name)
        except Exception as error:
            raise _translated(error, key) from error
        return int(response["ContentLength"])

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except FileNotFoundError:
            return False
        return True

    def keys(self, prefix: str = "") -> list[str]:
        found: list[str] = []
        pages = self._client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )
        for page in pages:
            found += [item["Key"][len(self.prefix) :] for item in page.get("Contents", [])]
        return sorted(found)

    def delete(self, key: str) -> None:
        self._client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)


def _status(error: Exception) -> int | None:
    """The HTTP status of a botocore ClientError (None for anything else)."""
    response = getattr(error, "response", None)
    if not isinstance(response, dict):
        return None
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status if isinstance(status, int) else None


def _translated(error: Exception, key: str) -> Exception:
    """A missing object as FileNotFoundError, like the local store; other failures (network,
    permissions) as OSError, which callers already treat as the store being unavailable."""
    if _status(error) == 404:
        return FileNotFoundError(key)
    return OSError(f"object store: {error}")
