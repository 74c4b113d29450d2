"""Writing report files: private to the user (they hold PHI), and both billing files or neither.

Each file is written beside its target under a temporary name created 0600, flushed, then renamed over the
target; the renames come only after every file is complete, so a failure (disk full, a folder that vanished)
leaves no half-written claim file and no claim file without its exclusions.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from cpss_tui.reports.billing import BillingExport, claims_csv, exclusions_csv


def write_private_files(contents: dict[str, str | bytes]) -> None:
    """Write every path -> content, all or nothing as far as the file system allows; files are 0600."""
    staged: list[tuple[str, Path]] = []
    try:
        for target, content in contents.items():
            path = Path(target).expanduser()
            if path.is_dir():
                raise IsADirectoryError(21, "is a folder; name a file in it", str(path))
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
            staged.append((tmp, path))
            data = content.encode("utf-8") if isinstance(content, str) else content
            with os.fdopen(fd, "wb") as handle:  # mkstemp creates it 0600
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)


def write_billing_files(export: BillingExport, claims: str, excluded: str) -> None:
    """The claim CSV and the exclusions CSV of one export."""
    if Path(claims).expanduser().resolve() == Path(excluded).expanduser().resolve():
        raise OSError(22, "the claim file and the exclusions file must differ", excluded)
    write_private_files({claims: claims_csv(export), excluded: exclusions_csv(export)})
