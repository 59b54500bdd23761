#!/usr/bin/env python3
"""Plays the web build as a trainee would, in headless Chromium: serves dist/web/ on loopback, opens it
with an address that replays a saved playthrough (?case=…&seed=…&replay=…&screenshots=1), lets the
game download a picture of every screen, fails on a blank or errored page, and prints the figures
(transfer size, time to the first interactive frame, memory).

Usage: scripts/check-web.py [LOG] [--min-screens N]   (after scripts/build-web.sh)
Needs chromium and chromium-driver (Debian).
"""
import functools, gzip, http.server, json, os, shutil, socket, subprocess, sys, tempfile, threading
import time, urllib.parse, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIST = os.path.join(ROOT, "dist", "web")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript"}

    def log_message(self, *args):
        pass


def serve(directory):
    handler = functools.partial(Quiet, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


class Driver:
    def __init__(self, downloads):
        port = free_port()
        self.base = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(100):
            try:
                self.call("GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        options = {
            "args": ["--headless", "--no-sandbox", "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--window-size=1280,720"],
            "prefs": {"download.default_directory": downloads, "download.prompt_for_download": False,
                      "profile.default_content_settings.popups": 0,
                      "profile.default_content_setting_values.automatic_downloads": 1},
        }
        if shutil.which("chromium"):
            options["binary"] = shutil.which("chromium")
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options,
                                                 "goog:loggingPrefs": {"browser": "ALL"}}}}
        self.session = self.call("POST", "/session", caps)["sessionId"]
        # Headless Chromium downloads only when told where.
        self.call("POST", f"/session/{self.session}/chromium/send_command",
                  {"cmd": "Browser.setDownloadBehavior", "params": {"behavior": "allow", "downloadPath": downloads}})

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=120) as r:
            return json.loads(r.read())["value"]

    def go(self, url):
        self.call("POST", f"/session/{self.session}/url", {"url": url})

    def script(self, js):
        return self.call("POST", f"/session/{self.session}/execute/sync", {"script": js, "args": []})

    def logs(self):
        try:
            return self.call("POST", f"/session/{self.session}/se/log", {"type": "browser"})
        except Exception:
            return []

    def close(self):
        try:
            self.call("DELETE", f"/session/{self.session}")
        finally:
            self.proc.kill()


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    log_path = args[0] if args else os.path.join(ROOT, "tests", "logs", "mark-at-four-months.ron")
    min_screens = int(sys.argv[sys.argv.index("--min-screens") + 1]) if "--min-screens" in sys.argv else 10
    if not os.path.exists(os.path.join(DIST, "second-look_bg.wasm")):
        sys.exit("dist/web/ is not built: run scripts/build-web.sh first")
    raw = sum(os.path.getsize(os.path.join(DIST, f)) for f in os.listdir(DIST))
    gz = sum(len(gzip.compress(open(os.path.join(DIST, f), "rb").read(), 9)) for f in os.listdir(DIST))
    print(f"transfer size: {raw / 1e6:.1f} MB raw, {gz / 1e6:.1f} MB gzipped (target under 10 MB gzipped)")

    text = open(log_path, encoding="utf-8").read()
    first = next(l for l in text.splitlines() if "case:" in l)
    case = first.split('"')[1]
    seed = next(l for l in text.splitlines() if l.strip().startswith("seed:")).split(":")[1].strip(" ,")
    server = serve(DIST)
    downloads = tempfile.mkdtemp(prefix="second-look-web-")
    driver = Driver(downloads)
    failed = False
    try:
        query = urllib.parse.urlencode({"case": case, "seed": seed, "replay": text, "screenshots": "1"})
        start = time.monotonic()
        driver.go(f"http://127.0.0.1:{server.server_port}/index.html?{query}")
        first_frame = None
        deadline = start + 900
        while time.monotonic() < deadline:
            title = driver.script("return document.title")
            if first_frame is None and title != "Second Look":
                first_frame = time.monotonic() - start
                print(f"first interactive frame: {first_frame:.1f} s after the page was opened")
            if "replay done" in title or "replay failed" in title:
                break
            if "could not start" in driver.script("return document.body.innerText"):
                break
            time.sleep(0.5)
        title = driver.script("return document.title")
        memory = driver.script("return window.secondLookMemory ? window.secondLookMemory.buffer.byteLength : null")
        heap = driver.script("return performance.memory ? performance.memory.usedJSHeapSize : null")
        if memory:
            print(f"memory: {memory / 1e6:.0f} MB of WebAssembly memory, {(heap or 0) / 1e6:.0f} MB of JavaScript heap")
        errors = [e["message"] for e in driver.logs() if e.get("level") == "SEVERE"]
        for e in errors[:10]:
            print("browser error:", e)
        if "replay done" not in title:
            print(f"FAILED: the replay did not finish (the page's title is {title!r}); text on the page:")
            print(driver.script("return document.body.innerText")[:2000])
            failed = True
        time.sleep(2)
        # Closing the tab and coming back: the record is still in the browser's storage.
        record = json.loads(driver.script("return localStorage.getItem('second-look-record') || 'null'") or "null")
        finished = [p for p in (record or {}).get("playthroughs", []) if p.get("finished")]
        if finished:
            print(f"record kept in the browser: {len(finished)} finished playthrough(s) of {finished[0]['case']!r}")
        else:
            print("FAILED: the finished playthrough is not in the browser's record")
            failed = True
        driver.go(f"http://127.0.0.1:{server.server_port}/index.html")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and driver.script("return document.title") != "Second Look — title":
            time.sleep(0.5)
        if driver.script("return document.title") != "Second Look — title":
            print("FAILED: the page did not come back to the title screen")
            failed = True
    finally:
        driver.close()
        server.shutdown()
    shots = sorted(f for f in os.listdir(downloads) if f.endswith(".png"))
    print(f"{len(shots)} screens downloaded to {downloads}")
    check = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "check-screenshots.py"), downloads, str(min_screens)])
    sys.exit(1 if failed or check.returncode != 0 else 0)


if __name__ == "__main__":
    main()
