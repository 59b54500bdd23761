#!/usr/bin/env python3
"""Plays the web build as a trainee would, in headless Chromium: serves dist/web/ on loopback, opens it
with an address that replays a saved playthrough (?case=…&seed=…&replay=…&screenshots=1), lets the
game download a picture of every screen, fails on a blank or errored page, and prints the figures
(transfer size, time to the first interactive frame, memory).

Then, as the trainee coming back the next day (from a server that gives .wasm no type, as many plain
servers do), with the keyboard only (Tab, Shift+Tab, Enter, Space):
the title screen again with the record kept; larger text and high contrast in the settings, kept; a
saved copy of the record downloaded from the progress screen; the printable debrief downloaded from
the journal; in a browser emptied as if it were another machine, the copy added back through the
file picker; and a case begun with Enter and played with a number key.

Usage: scripts/check-web.py [LOG] [--min-screens N]   (after scripts/build-web.sh)
Needs chromium and chromium-driver (Debian).
"""
import functools, gzip, http.server, json, os, shutil, socket, subprocess, sys, tempfile, threading
import time, urllib.parse, urllib.request, base64, glob, importlib.util

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIST = os.path.join(ROOT, "dist", "web")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".js": "text/javascript"}

    @classmethod
    def forget_wasm(cls):
        """Serves .wasm as a server that does not know the type would (many plain servers)."""
        cls.extensions_map = {**cls.extensions_map, ".wasm": "application/octet-stream"}

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

    def keys(self, *presses):
        """Presses keys on the focused page, one at a time with a pause so each lands in its own frame.
        A press is a key, or a tuple of keys held together (Shift+Tab)."""
        actions = []
        for press in presses:
            held = press if isinstance(press, tuple) else (press,)
            for k in held:  # as a person does: Shift goes down a moment before Tab
                actions += [{"type": "keyDown", "value": k}, {"type": "pause", "duration": 60}]
            actions += [{"type": "keyUp", "value": k} for k in reversed(held)]
            actions.append({"type": "pause", "duration": 300})
        self.call("POST", f"/session/{self.session}/actions",
                  {"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})
        self.call("DELETE", f"/session/{self.session}/actions")

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(base64.b64decode(self.call("GET", f"/session/{self.session}/screenshot")))

    def element(self, css):
        found = self.call("POST", f"/session/{self.session}/element", {"using": "css selector", "value": css})
        return next(iter(found.values()))

    def send_file(self, element, path):
        self.call("POST", f"/session/{self.session}/element/{element}/value", {"text": path})

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


TAB, ENTER, SPACE, SHIFT, ESCAPE = "\ue004", "\ue007", "\ue00d", "\ue008", "\ue00c"
BACK = (SHIFT, TAB)


def pixels_of(path):
    spec = importlib.util.spec_from_file_location("shots", os.path.join(ROOT, "scripts", "check-screenshots.py"))
    shots = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shots)
    return shots.pixels(__import__("pathlib").Path(path))


def brightness(path):
    """The mean brightness (0–255) of a screenshot, sampled."""
    width, height, bpp, rows = pixels_of(path)
    total = count = 0
    for y in range(0, height, 9):
        for x in range(0, width, 9):
            r, g, b = rows[y][x * bpp:x * bpp + 3]
            total += (r + g + b) / 3
            count += 1
    return total / count


def wait_for(what, check, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.25)
    return None


def next_day(driver, url, downloads):
    """The trainee comes back, with the keyboard only. Returns what went wrong."""
    problems = []
    shots = os.path.join(downloads, "next-day")
    os.makedirs(shots, exist_ok=True)
    title = lambda: driver.script("return document.title")

    def go(keys, screen):
        driver.script("document.getElementById('second-look').focus()")
        time.sleep(0.5)
        driver.keys(*keys)
        if not wait_for(screen, lambda: title() == f"Second Look — {screen}", 15):
            driver.screenshot(os.path.join(shots, f"not-{screen}.png"))
            problems.append(f"the keys {keys!r} did not reach the {screen} screen (the title is {title()!r})")
            return False
        time.sleep(0.5)
        return True

    def downloaded(pattern, before):
        return wait_for(pattern, lambda: [f for f in glob.glob(os.path.join(downloads, pattern)) if f not in before], 15)

    # Title (no case to continue): Start a case, Your progress, Your journal, Settings.
    if go([TAB] * 4 + [ENTER], "settings"):
        # From the end: Done, the high-contrast box, Largest, Larger.
        driver.keys(BACK, BACK, SPACE, BACK, BACK, ENTER)
        time.sleep(0.5)
        driver.screenshot(os.path.join(shots, "settings.png"))
        kept = driver.script("""for (let i = 0; i < localStorage.length; i++) {
            const k = localStorage.key(i); if (k.endsWith('settings.ron')) return localStorage.getItem(k); }
            return null""") or ""
        if "high_contrast: true" not in kept or "text_scale: 1.25" not in kept:
            problems.append(f"larger text and high contrast were not kept (settings: {kept!r})")
        # Larger, Largest, the box, Done.
        if go([TAB, TAB, TAB, ENTER], "title"):
            driver.screenshot(os.path.join(shots, "title-high-contrast.png"))
            if brightness(os.path.join(shots, "title-high-contrast.png")) > 90:
                problems.append("the title screen is not dark after choosing high contrast")
            print("settings by keyboard: larger text and high contrast chosen, kept, and shown")

    before = glob.glob(os.path.join(downloads, "*"))
    if go([TAB, TAB, ENTER], "progress"):
        driver.screenshot(os.path.join(shots, "progress.png"))
        # From the end: Delete my data…, Add a saved copy…, Save a copy of my record.
        driver.keys(BACK, BACK, BACK, ENTER)
        copy = downloaded("second-look-record-*.json", before)
        if not copy:
            problems.append("Save a copy of my record downloaded nothing")
        else:
            data = json.load(open(copy[0], encoding="utf-8"))
            finished = [p for p in data["playthroughs"] if p.get("finished")]
            print(f"saved a copy of the record by keyboard: {os.path.basename(copy[0])}, "
                  f"{len(finished)} finished playthrough(s), {len(data['judgements'])} judgements")
            if not finished:
                problems.append("the saved copy holds no finished playthrough")
        go([ESCAPE, TAB, ENTER], "title")  # Escape drops the focus; Tab then starts at Back

    before = glob.glob(os.path.join(downloads, "*"))
    if go([TAB, TAB, TAB, ENTER], "journal"):
        driver.screenshot(os.path.join(shots, "journal.png"))
        driver.keys(BACK, ENTER)  # the last control: print the newest entry's debrief
        report = downloaded("*.html", before)
        if not report:
            problems.append("printing the debrief from the journal downloaded nothing")
        else:
            html = open(report[0], encoding="utf-8").read()
            print(f"printable debrief downloaded from the journal: {os.path.basename(report[0])}, {len(html) // 1024} KiB")
            if "<svg" not in html or "Second Look debrief" not in html:
                problems.append("the downloaded debrief lacks its charts or heading")
        go([BACK, ENTER], "title")

    # Another machine: an empty browser, then the saved copy added through the file picker.
    copies = glob.glob(os.path.join(downloads, "second-look-record-*.json"))
    if copies:
        driver.script("localStorage.clear()")
        driver.go(url)
        if wait_for("title", lambda: title() == "Second Look — title", 120) and go([TAB, TAB, ENTER], "progress"):
            driver.keys(BACK, BACK, ENTER)  # Add a saved copy…
            try:
                driver.send_file(driver.element("#second-look-pick"), copies[0])
            except Exception as e:
                problems.append(f"the file picker could not be given the copy: {e}")
            record = lambda: json.loads(driver.script("return localStorage.getItem('second-look-record') || 'null'") or "null")
            added = wait_for("import", lambda: [p for p in (record() or {}).get("playthroughs", []) if p.get("finished")], 20)
            time.sleep(1)
            driver.screenshot(os.path.join(shots, "progress-after-adding.png"))
            if added:
                print(f"added the saved copy in an emptied browser through the file picker: {len(added)} finished playthrough(s)")
            else:
                problems.append("adding the saved copy put nothing in the emptied browser's record")
    # Keyboard play: a case named in the address opens at its briefing; Enter begins, 1 takes an action.
    driver.go(url + "?case=mark-at-four-months&seed=5")
    if wait_for("briefing", lambda: title() == "Second Look — briefing", 120) and go([ENTER], "case"):
        driver.keys("1")
        saved = lambda: driver.script("""const found = [];
            for (let i = 0; i < localStorage.length; i++) {
              const k = localStorage.key(i); if (k.includes('logs/')) found.push(localStorage.getItem(k)); }
            return found""")
        acted = wait_for("an action", lambda: any("Action(" in text for text in saved()), 15)
        time.sleep(0.5)
        driver.screenshot(os.path.join(shots, "case-after-pressing-1.png"))
        if acted:
            print("played by keyboard: Enter began the case, 1 took its first action, and the step was saved")
        else:
            problems.append("pressing 1 in a case took no action (or it was not saved)")
    print(f"pictures of the next day's screens: {shots}")
    return problems


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
        # The next day, from a plainer server: the page must still start when .wasm has no type.
        Quiet.forget_wasm()
        driver.go(f"http://127.0.0.1:{server.server_port}/index.html")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and driver.script("return document.title") != "Second Look — title":
            time.sleep(0.5)
        if driver.script("return document.title") != "Second Look — title":
            print("FAILED: the page did not come back to the title screen")
            failed = True
        else:
            problems = next_day(driver, f"http://127.0.0.1:{server.server_port}/index.html", downloads)
            for p in problems:
                print("FAILED:", p)
            failed = failed or bool(problems)
    finally:
        driver.close()
        server.shutdown()
    shots = sorted(f for f in os.listdir(downloads) if f.endswith(".png"))
    print(f"{len(shots)} screens downloaded to {downloads}")
    check = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "check-screenshots.py"), downloads, str(min_screens)])
    sys.exit(1 if failed or check.returncode != 0 else 0)


if __name__ == "__main__":
    main()
