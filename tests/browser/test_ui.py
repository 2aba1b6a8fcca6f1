#!/usr/bin/env python3
"""The web page in a real browser (interfaces.md, Web page; issue 13 item 5).

Headless Chromium driven by Selenium (Debian's chromium, chromium-driver, python3-selenium)
against the real `concierge serve` on a free loopback port, its store set up with `concierge
admin` and phrases. People sign in by the links `concierge open` prints, each in a browser of
their own; the owner reads the access table, revokes someone through the page (its confirmation
page, then Confirm) and approves a request a member made from the page; the command line then
says who has access. An editor's page has no Revoke button. Every page is photographed at
390x900 and 1280x900 into the screenshot folder, to be looked at.

Either backend: CONCIERGE_TEST_PG_FILE names a PostgreSQL cluster (ctest's pg fixture), in which
a database of its own is made and migrated.

Usage: test_ui.py BIN SCREENSHOT_DIR
"""
import importlib.util
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

SIZES = ((390, 900), (1280, 900))
INSTALL = ("the browser tests need Chromium, chromedriver and Selenium: "
           "apt-get install -y chromium chromium-driver python3-selenium")

failures = 0


def check(cond, what, detail=""):
    global failures
    if cond:
        print("ok", what)
    else:
        failures += 1
        print("FAIL", what, detail, file=sys.stderr)
    return cond


def need_browser():
    """Chromium, chromedriver and Selenium, or a clear failure (never a silent skip)."""
    if importlib.util.find_spec("selenium") is None:
        sys.exit("FAIL: Selenium is missing for %s. %s" % (sys.executable, INSTALL))
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if os.path.exists(
        "/usr/bin/chromedriver") else None)
    if not chromium or not driver:
        sys.exit("FAIL: %s is missing. %s" % ("Chromium" if not chromium else "chromedriver", INSTALL))
    return chromium, driver


class Store:
    """The store: a SQLite file, or a fresh PostgreSQL database made and migrated."""

    def __init__(self, bin_, work):
        self.bin = bin_
        self.pg_base = None
        self.pg_name = None
        pg_file = os.environ.get("CONCIERGE_TEST_PG_FILE")
        if pg_file:
            with open(pg_file) as f:
                self.pg_base = f.readline().strip()
            self.pg_name = "t_browser_%d" % os.getpid()
            subprocess.run(["psql", self.pg_base, "-qc", "CREATE DATABASE %s" % self.pg_name], check=True)
            self.db = self.pg_base.rsplit("/", 1)[0] + "/" + self.pg_name
            self.cli("admin", "migrate")
        else:
            self.db = os.path.join(work, "ui.db")

    def cli(self, *args, check_rc=True):
        r = subprocess.run([self.bin, "--db", self.db, *args], capture_output=True, text=True, timeout=30)
        if check_rc and r.returncode != 0:
            raise RuntimeError("concierge %s: exit %d: %s%s" % (" ".join(args), r.returncode, r.stdout,
                                                                 r.stderr))
        return r.stdout

    def admin(self, words):
        return self.cli("admin", *words.split())

    def say(self, who, phrase):
        return self.cli("--as", who, "--sandbox", "demo", "-y", phrase)

    def who_has_access(self):
        """The principals of `who has access?` on demo, by role, as the command line says."""
        out = json.loads(self.cli("--as", "@ann", "--sandbox", "demo", "who has access?", "--json"))
        return {m["principal"]: m["role"] for m in out["result"]["members"]}

    def drop(self):
        if self.pg_name:
            subprocess.run(["psql", self.pg_base, "-qc", "DROP DATABASE IF EXISTS %s WITH (FORCE)" %
                            self.pg_name], capture_output=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(store, work):
    """`concierge serve` on a free loopback port with its --public-url; waits until it answers."""
    for _ in range(5):
        port = free_port()
        url = "http://127.0.0.1:%d" % port
        log = open(os.path.join(work, "serve.log"), "w")
        p = subprocess.Popen([store.bin, "serve", "--db", store.db, "--listen", "127.0.0.1:%d" % port,
                              "--public-url", url, "--log", "warn"], stdout=log, stderr=log)
        for _ in range(100):
            if p.poll() is not None:
                break
            try:
                urllib.request.urlopen(url + "/ui/style.css", timeout=1).read()
                return p, url
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.05)
        if p.poll() is None:
            p.terminate()
            p.wait()
    with open(os.path.join(work, "serve.log")) as f:
        raise RuntimeError("concierge serve did not start: " + f.read())


class Browser:
    """One person's browser: a headless Chromium of its own (its own profile, its own cookies)."""

    def __init__(self, chromium, driver, shots):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        o = webdriver.ChromeOptions()
        o.binary_location = chromium
        # As root with no terminal (CI): no sandbox, no /dev/shm; the new headless mode.
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                  "--disable-gpu", "--lang=en-US"):
            o.add_argument(a)
        self.d = webdriver.Chrome(service=Service(driver), options=o)
        self.shots = shots

    def by(self, css):
        from selenium.webdriver.common.by import By
        return self.d.find_elements(By.CSS_SELECTOR, css)

    def one(self, css):
        found = self.by(css)
        if not found:
            raise AssertionError("no %s on %s:\n%s" % (css, self.d.current_url, self.d.page_source[:3000]))
        return found[0]

    def shoot(self, name, at=None):
        """The page at each width (a phone's viewport: the page's own viewport meta applies),
        scrolled to element at when given."""
        for w, h in SIZES:
            self.d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": w < 500})
            if at is not None:
                self.d.execute_script("arguments[0].scrollIntoView()", at)
            self.d.save_screenshot(os.path.join(self.shots, "%s-%d.png" % (name, w)))
        self.d.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def submit(self, form):
        """Presses a form's button, and waits for the page it posts to."""
        button = form.find_elements("css selector", "button")[0]
        old = self.d.find_element("css selector", "html")
        button.click()
        for _ in range(200):
            try:
                old.is_displayed()
                time.sleep(0.02)
            except Exception:  # the old page is gone
                return
        raise AssertionError("the form did not post")

    def quit(self):
        self.d.quit()


def sign_in(browser, store, who):
    link = store.cli("open", "--as", who).splitlines()[0]
    browser.d.get(link)
    return browser.one("header").text


def rows(browser):
    """The access table: {principal: role} from its cells' data-labels."""
    out = {}
    for tr in browser.by("section table tbody tr"):
        cells = {td.get_attribute("data-label"): td.text.strip() for td in
                 tr.find_elements("css selector", "td")}
        if "Principal" in cells and "Role" in cells:
            out[cells["Principal"]] = cells["Role"]
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: test_ui.py BIN SCREENSHOT_DIR")
    chromium, driver = need_browser()
    bin_, shots = os.path.abspath(sys.argv[1]), sys.argv[2]
    os.makedirs(shots, exist_ok=True)
    work = tempfile.mkdtemp(prefix="concierge-browser-")
    store = Store(bin_, work)
    serve = None
    browsers = []
    try:
        for words in ("workspace add acme", "sandbox add demo --owner @ann --workspace acme",
                      "workspace member add acme @dave"):
            store.admin(words)
        store.say("@ann", "invite @bob as an editor")
        store.say("@ann", "invite @carol as a viewer for 1 week")
        serve, url = start_serve(store, work)

        ann = Browser(chromium, driver, shots)
        browsers.append(ann)
        header = sign_in(ann, store, "@ann")
        check("Signed in as @ann" in header, "@ann signs in by the link of concierge open", header)
        check(ann.d.current_url == url + "/ui/", "… onto the list of sandboxes", ann.d.current_url)
        check([a.text for a in ann.by("main table a")] == ["demo"], "the list shows demo")
        ann.shoot("sandboxes")

        ann.d.get(url + "/ui/s/demo")
        table = rows(ann)
        check(table == {"@ann": "owner", "@bob": "editor", "@carol": "viewer"},
              "the owner's access table: @ann owner, @bob editor, @carol viewer", str(table))
        revokes = [b for b in ann.by("details button") if b.get_attribute("textContent") == "Revoke"]
        check(len(revokes) == 2, "the owner has a Revoke button for @bob and one for @carol", str(len(revokes)))
        ann.shoot("access-owner")

        bob = Browser(chromium, driver, shots)
        browsers.append(bob)
        check("Signed in as @bob" in sign_in(bob, store, "@bob"), "@bob signs in in a browser of his own")
        bob.d.get(url + "/ui/s/demo")
        labels = [b.get_attribute("textContent") for b in bob.by("button")]
        check(bob.by("h1") and "Revoke" not in labels and not any(t.startswith("Change role") for t in labels),
              "the editor sees no Revoke or Change role button", str(labels))
        check(rows(bob) == {"@bob": "editor"}, "… and only his own grant", str(rows(bob)))
        bob.shoot("access-editor")

        # The owner revokes @carol: her row's Revoke, the confirmation page, Confirm.
        ann.d.get(url + "/ui/s/demo")
        for d in ann.by("details"):
            if "@carol" in d.find_element("css selector", "summary").text:
                d.find_element("css selector", "summary").click()
                ann.shoot("access-owner-change", d.find_element("xpath", "./ancestor::tr"))
                ann.submit(d.find_element("css selector", "form input[name=action][value=revoke]")
                           .find_element("xpath", ".."))
                break
        check(ann.one("h1").text == "Confirm the change", "Revoke leads to the confirmation page",
              ann.one("h1").text)
        check("@carol" in ann.one(".describe").text, "… which describes the change",
              ann.one(".describe").text)
        check(store.who_has_access().get("@carol") == "viewer", "before Confirm, @carol still has access")
        ann.shoot("confirm")
        ann.submit(ann.one("form.primary"))
        ann.shoot("result")
        check("@carol" not in store.who_has_access(), "after Confirm the command line says @carol is gone",
              str(store.who_has_access()))

        # A member asks from the page; the owner approves from hers.
        dave = Browser(chromium, driver, shots)
        browsers.append(dave)
        sign_in(dave, store, "@dave")
        dave.d.get(url + "/ui/s/demo")
        form = dave.one("form.stacked")
        from selenium.webdriver.support.ui import Select
        Select(form.find_element("css selector", "select[name=role]")).select_by_value("editor")
        Select(form.find_element("css selector", "select[name=length]")).select_by_value("week")
        form.find_element("css selector", "input[name=reason]").send_keys("to fix the deploy")
        dave.shoot("request-form")
        dave.submit(form)
        if dave.by("form.primary"):  # a request confirmed on a page of its own, if the pipeline asks
            dave.submit(dave.one("form.primary"))
        dave.shoot("request-sent")
        check("@dave" not in store.who_has_access(), "a request alone grants nothing")
        ann.d.get(url + "/ui/s/demo")
        approve = [f for f in ann.by("form") if f.find_elements("css selector", "input[value=approve]")]
        check(len(approve) == 1, "the owner's page has the request with Approve")
        ann.shoot("access-owner-request", approve[0].find_element("xpath", "./ancestor::tr"))
        ann.submit(approve[0])
        check(ann.one("h1").text == "Confirm the change", "Approve leads to the confirmation page")
        ann.submit(ann.one("form.primary"))
        check(store.who_has_access().get("@dave") == "editor",
              "after Approve and Confirm the command line says @dave is an editor", str(store.who_has_access()))

        ann.d.get(url + "/ui/s/demo/audit")
        check(len(ann.by("table tbody tr")) >= 3, "the audit page lists the changes")
        ann.shoot("audit")
        ann.d.get(url + "/ui/s/nosuch")
        check("not found" in ann.one("h1").text.lower() or "no such" in ann.one("h1").text.lower(),
              "a sandbox that is not there: the 404 page", ann.one("h1").text)
        ann.shoot("not-found")
        ann.d.delete_all_cookies()
        ann.d.get(url + "/ui/")
        check("concierge open" in ann.one("main").text, "without a session: how to sign in")
        ann.shoot("sign-in-help")
        # Nothing refused by the CSP, no file missing: the only errors are the 404 page's own status
        # and the favicon Chromium asks for by itself (the page names none).
        console = [e["message"] for b in browsers for e in b.d.get_log("browser") if e.get("level") == "SEVERE"
                   and not e["message"].startswith((url + "/favicon.ico ", url + "/ui/s/nosuch "))]
        check(not console, "no errors in the browsers' consoles (CSP, missing files)", str(console))
    finally:
        for b in browsers:
            b.quit()
        if serve:
            serve.terminate()
            serve.wait()
        store.drop()
        shutil.rmtree(work, ignore_errors=True)
    print("%d failed" % failures if failures else "all passed", "; screenshots in", shots)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
