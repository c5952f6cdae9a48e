"""axe-core for the browser tests: the npm registry's tarball, fetched once into a cache.

No CDN and no node_modules: the pinned tarball comes from registry.npmjs.org the first time a
browser test needs it, is checked against the registry's sha512 integrity, and its axe.min.js is
kept in `.cache/` (git-ignored). axe-core is MPL-2.0; it runs only inside the test browser and is
neither committed nor served by the site. AXE_CORE_JS points at another copy of axe.min.js
(offline machines).

The page's CSP forbids injected <script> tags: the tests add the source as a Playwright init
script, which the CSP does not govern.
"""

import base64
import hashlib
import io
import os
import tarfile
import tempfile
import time
import urllib.request
from pathlib import Path

from django.conf import settings

VERSION = "4.14.1"
TARBALL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
# The registry's dist.integrity for that version (`npm view axe-core@4.14.1 dist.integrity`).
INTEGRITY = "sha512-" + (
    "FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
)
CACHED = Path(settings.BASE_DIR) / ".cache" / f"axe-core-{VERSION}.min.js"

# WCAG 2.2 level A and AA, the target of the site, as axe tags its rules.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _download() -> bytes:
    for attempt in range(3):  # a registry hiccup should not fail a whole CI run
        try:
            with urllib.request.urlopen(TARBALL, timeout=60) as response:
                tarball: bytes = response.read()
            break
        except OSError:
            if attempt == 2:
                raise
            time.sleep(2)
    digest = base64.b64encode(hashlib.sha512(tarball).digest()).decode()
    if "sha512-" + digest != INTEGRITY:
        raise RuntimeError(f"{TARBALL} does not match the pinned integrity")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile("package/axe.min.js")
        if member is None:
            raise RuntimeError(f"{TARBALL} has no package/axe.min.js")
        return member.read()


def axe_source() -> str:
    """axe.min.js, from AXE_CORE_JS, the cache, or the registry (then cached)."""
    override = os.environ.get("AXE_CORE_JS")
    if override:
        return Path(override).read_text(encoding="utf-8")
    if not CACHED.exists():
        CACHED.parent.mkdir(parents=True, exist_ok=True)
        # A file of its own, then an atomic rename: CI's two suites may fetch it at once.
        with tempfile.NamedTemporaryFile(dir=CACHED.parent, suffix=".part", delete=False) as out:
            out.write(_download())
        os.replace(out.name, CACHED)
    return CACHED.read_text(encoding="utf-8")
