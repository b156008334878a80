#!/usr/bin/env python3
"""Open an HTML file in headless Chromium with networking disabled and report what happened.

Used by tests/test_browser.py; also handy by hand::

    python tools/browser_check.py view.html --screenshot shot.png

How "no network request" is established (robust, not log-grepping)
------------------------------------------------------------------
Chromium is driven through the DevTools protocol over ``--remote-debugging-pipe``
(no port is opened).  The page's ``Network`` domain is enabled *before* the file is
loaded, so every request the page makes (scripts, styles, images, fonts, iframes,
fetch/XHR, WebSockets) is reported as a ``Network.requestWillBeSent`` or
``Network.webSocketCreated`` event, including ones that then fail.  We record all
their URLs; the check passes only when every URL is ``file:``, ``data:``, ``about:``
or ``blob:``.  On top of that the network is cut three ways, so a request that
slipped through could not succeed anyway: DNS is mapped to nothing
(``--host-resolver-rules``), the page is emulated offline
(``Network.emulateNetworkConditions``), and the background services are disabled.

Checks returned as JSON: URLs requested, JS exceptions, the count of non-background
pixels of every ``.vc-canvas`` canvas (read back with ``getImageData``), the
document title, whether every network block reported ready, and the path of a PNG
screenshot.
"""

from __future__ import annotations

import argparse
import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ALLOWED_SCHEMES = ("file:", "data:", "about:", "blob:")


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome binary, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


class _Pipe:
    """Minimal DevTools-protocol client over the two pipes of --remote-debugging-pipe."""

    def __init__(self, proc: subprocess.Popen, to_chrome: int, from_chrome: int) -> None:
        self.proc, self.w, self.r = proc, to_chrome, from_chrome
        self.buf = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout: float = 30.0) -> dict[str, Any]:
        self.next_id += 1
        msg: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        want = self.next_id
        deadline = time.monotonic() + timeout
        while True:
            m = self._read(deadline)
            if m is None:
                raise TimeoutError(f"no answer to {method} within {timeout} s")
            if m.get("id") == want:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def pump(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            m = self._read(deadline)
            if m is None:
                return
            self.events.append(m)

    def _read(self, deadline: float) -> dict[str, Any] | None:
        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.r], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.r, 1 << 20)
            if not chunk:
                raise RuntimeError(f"chromium closed the pipe (exit code {self.proc.poll()})")
            self.buf += chunk
        raw, self.buf = self.buf.split(b"\0", 1)
        return json.loads(raw)


def check(html_path: str | os.PathLike, *, screenshot: str | os.PathLike | None = None,
          width: int = 1400, height: int = 1000, full_page: bool = False, settle: float = 1.0,
          timeout: float = 60.0, chromium: str | None = None) -> dict[str, Any]:
    """Load *html_path* in headless Chromium (offline) and return the observations."""
    binary = chromium or find_chromium()
    if binary is None:
        raise FileNotFoundError("chromium not found")
    url = Path(html_path).resolve().as_uri()
    profile = tempfile.mkdtemp(prefix="vc-chromium-")
    to_r, to_w = os.pipe()      # we write, chromium reads on fd 3
    from_r, from_w = os.pipe()  # chromium writes on fd 4, we read

    def _child_fds() -> None:
        a = fcntl.fcntl(to_r, fcntl.F_DUPFD, 10)
        b = fcntl.fcntl(from_w, fcntl.F_DUPFD, 10)
        os.dup2(a, 3)
        os.dup2(b, 4)

    cmd = [
        binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-default-apps", "--disable-extensions", "--no-first-run", "--no-default-browser-check",
        "--metrics-recording-only", "--disable-domain-reliability", "--disable-breakpad",
        "--hide-scrollbars", "--mute-audio", "--allow-file-access-from-files",
        '--host-resolver-rules=MAP * ~NOTFOUND', "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
        f"--user-data-dir={profile}", f"--window-size={width},{height}",
        "--remote-debugging-pipe", "about:blank",
    ]
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            close_fds=False, preexec_fn=_child_fds)
    os.close(to_r)
    os.close(from_w)
    cdp = _Pipe(proc, to_w, from_r)
    result: dict[str, Any] = {"url": url}
    try:
        target = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        sid = cdp.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method, params in (
            ("Network.enable", {}),
            ("Page.enable", {}),
            ("Runtime.enable", {}),
            ("Network.emulateNetworkConditions",
             {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}),
            ("Emulation.setDeviceMetricsOverride",
             {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}),
        ):
            cdp.send(method, params, sid)
        start = len(cdp.events)
        cdp.send("Page.navigate", {"url": url}, sid)
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in cdp.events[start:]):
            if time.monotonic() > deadline:
                raise TimeoutError("page did not finish loading")
            cdp.pump(0.2)
        ready_js = ("(() => { const b = document.querySelectorAll('.vc-network');"
                    " return b.length === document.querySelectorAll('.vc-network[data-ready=\"1\"]').length; })()")
        ready = False
        while time.monotonic() < deadline:
            r = cdp.send("Runtime.evaluate", {"expression": ready_js, "returnByValue": True}, sid)
            if r.get("result", {}).get("value"):
                ready = True
                break
            cdp.pump(0.25)
        cdp.pump(settle)
        pixels_js = """(() => Array.from(document.querySelectorAll('.vc-canvas canvas')).map(c => {
            const w = c.width, h = c.height;
            if (!w || !h || c.offsetParent === null) return -1;
            const d = c.getContext('2d').getImageData(0, 0, w, h).data;
            let n = 0;
            for (let i = 0; i < d.length; i += 4) {
              if (d[i + 3] > 0 && !(d[i] > 245 && d[i + 1] > 245 && d[i + 2] > 245)) n++;
            }
            return n; }))()"""
        r = cdp.send("Runtime.evaluate", {"expression": pixels_js, "returnByValue": True}, sid)
        result["canvas_pixels"] = r.get("result", {}).get("value", [])
        info_js = ("({title: document.title, pwned: window.__vc_pwned === true,"
                   " text: document.body ? document.body.innerText : '',"
                   " blocks: document.querySelectorAll('.vc-network').length,"
                   " boxes: Array.from(document.querySelectorAll('section[id], .vc-network')).map(e => {"
                   "   const r = e.getBoundingClientRect();"
                   "   return [e.id, Math.round(r.top + window.scrollY), Math.round(r.height)]; }),"
                   " images: Array.from(document.images).map(i => [i.naturalWidth, i.complete])})")
        r = cdp.send("Runtime.evaluate", {"expression": info_js, "returnByValue": True}, sid)
        result.update(r.get("result", {}).get("value", {}))
        result["ready"] = ready
        if screenshot is not None:
            params: dict[str, Any] = {"format": "png"}
            if full_page:
                m = cdp.send("Page.getLayoutMetrics", {}, sid)
                size = m.get("cssContentSize") or m["contentSize"]
                params.update(captureBeyondViewport=True,
                              clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})
            shot = cdp.send("Page.captureScreenshot", params, sid)
            Path(screenshot).write_bytes(base64.b64decode(shot["data"]))
            result["screenshot"] = str(screenshot)
        cdp.pump(0.2)
        ev = cdp.events
        urls = [e["params"]["request"]["url"] for e in ev if e.get("method") == "Network.requestWillBeSent"]
        urls += [e["params"]["url"] for e in ev if e.get("method") == "Network.webSocketCreated"]
        result["external_requests"] = [u for u in urls if not u.startswith(ALLOWED_SCHEMES)]
        result["requests"] = [u if len(u) <= 120 else u[:100] + f"...({len(u)} chars)" for u in urls]
        result["failed_requests"] = [e["params"].get("errorText") for e in ev
                                     if e.get("method") == "Network.loadingFailed"]
        result["exceptions"] = [e["params"]["exceptionDetails"].get("exception", {}).get("description")
                                or e["params"]["exceptionDetails"].get("text")
                                for e in ev if e.get("method") == "Runtime.exceptionThrown"]
        try:
            cdp.send("Browser.close", {}, timeout=5)
        except Exception:  # noqa: BLE001 - the browser may close the pipe first
            pass
    finally:
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(to_w)
        os.close(from_r)
        shutil.rmtree(profile, ignore_errors=True)
    return result


def png_ink(png: bytes, *, background: tuple[int, int, int] = (255, 255, 255), tol: int = 10) -> tuple[int, int]:
    """(non-background pixels, all pixels) of a PNG image, decoded with matplotlib."""
    import io

    import matplotlib.image as mpimg
    import numpy as np

    img = mpimg.imread(io.BytesIO(png), format="png")
    rgb = (img[..., :3] * 255).round().astype(int) if img.dtype.kind == "f" else img[..., :3].astype(int)
    diff = np.abs(rgb - np.array(background)).max(axis=-1)
    return int((diff > tol).sum()), int(diff.size)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("html")
    ap.add_argument("--screenshot")
    ap.add_argument("--full-page", action="store_true")
    ap.add_argument("--width", type=int, default=1400)
    ap.add_argument("--height", type=int, default=1000)
    args = ap.parse_args(argv)
    res = check(args.html, screenshot=args.screenshot, full_page=args.full_page, width=args.width, height=args.height)
    res.pop("text", None)
    json.dump(res, sys.stdout, indent=1)
    print()
    return 0 if not res["external_requests"] and not res["exceptions"] else 1


if __name__ == "__main__":
    sys.exit(main())
