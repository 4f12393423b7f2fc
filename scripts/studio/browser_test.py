#!/usr/bin/env python3
"""Drives ImageGen Studio's page in headless Chromium as a person would, then checks the server's security headers
and refusals from Python.

    browser_test.py --url http://127.0.0.1:PORT --screenshots docs/screenshots

Complete tab: pick the completion-strokes run, load a random test image, paint a mask by dragging across the
canvas, complete, and check the returned PNGs pixel by pixel (size, painted pixels hidden, visible pixels pasted
unchanged) and the metrics; then the `bottom` preset with the cnn run (hidden = bottom half). Backgrounds: 32
images. Letters: a word whose image is len(word) letters wide. Runs: one table row per run, a row's detail with
its SVG curve. The browser log must hold no SEVERE entry (a CSP violation is one). A screenshot of each tab is
written to --screenshots as studio-<tab>.png only when every check passed.

The runs are found by folder name: completion-strokes, cnn-bottom, backgrounds, gan (see scripts/studio-test.sh).
"""

from __future__ import annotations

import argparse
import http.client
import io
import math
import os
import re
import shutil
import socket
import sys
import tempfile
import time
import traceback
from urllib.parse import urlsplit

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import studio_common as common  # noqa: E402

# The page's element ids and classes, in one place: if the page changes them, change them here.
SELECTORS = {
    "tab_complete": "#tab-complete",
    "tab_backgrounds": "#tab-backgrounds",
    "tab_letters": "#tab-letters",
    "tab_runs": "#tab-runs",
    "complete_run": "#complete-run",
    "random_image": "#random-image",
    "image_info": "#image-info",
    "mask_canvas": "#mask-canvas",
    "mask_preset": "#mask-preset",
    "complete_button": "#complete-button",
    "complete_result": "#complete-result",
    "result_completion": "img.result-completion",
    "result_original": "img.result-original",
    "result_mask": "img.result-mask",
    "result_mean": "img.result-mean",
    "samples": "#samples",
    "complete_metrics": "#complete-metrics",
    "background_button": "#background-button",
    "background_result": "#background-result",
    "background_images": "#background-result img.background-image",
    "letter_text": "#letter-text",
    "letter_button": "#letter-button",
    "letter_result": "#letter-result",
    "letter_image": "#letter-result img.letter-image",
    "runs_table_rows": "#runs-table tbody tr",
    "run_detail": "#run-detail",
    "run_detail_curve": "#run-detail svg path.series",
    "error": ".panel:not([hidden]) .error:not([hidden])",
}
# The folders scripts/studio-test.sh trains under --runs.
RUN_COMPLETION = "completion-strokes"
RUN_CNN = "cnn-bottom"
RUN_BACKGROUNDS = "backgrounds"
RUN_GAN = "gan"
RUN_SAMPLING = "pixelcnn-bottom"   # --sampling-run "" skips the sampling step
WORD = "studio"
LETTER_SIZE = 64           # pixels of one generated letter in the word's image (times an integer scale)
TIMEOUT = 60               # seconds to wait for anything the page shows


def css(name: str) -> str:
    return SELECTORS[name]


class Page:
    def __init__(self, driver: webdriver.Chrome, checks: common.Checks):
        self.driver, self.checks = driver, checks

    def find(self, name: str):
        return self.driver.find_element(By.CSS_SELECTOR, css(name))

    def find_all(self, name: str):
        return self.driver.find_elements(By.CSS_SELECTOR, css(name))

    def wait(self, what: str, condition, timeout: float = TIMEOUT):
        """Waits for `condition(driver)` to be truthy; on a time-out says what the page shows as an error."""
        try:
            # The page redraws results as they arrive: an element found a moment ago may be gone; look again.
            return WebDriverWait(self.driver, timeout, poll_frequency=0.1,
                                 ignored_exceptions=[StaleElementReferenceException]).until(condition)
        except TimeoutException:
            shown = [e.text for e in self.driver.find_elements(By.CSS_SELECTOR, css("error")) if e.text]
            raise AssertionError(f"timed out after {timeout}s waiting for {what}" + (f"; the page says {shown}" if shown else ""))

    def click(self, name: str):
        element = self.find(name)
        self.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def visible(self, name: str) -> bool:
        elements = self.find_all(name)
        return bool(elements) and elements[0].is_displayed()

    def image_src_when_loaded(self, name: str, previous: str | None = None) -> str:
        """The data URL of the first `name` image once it is loaded (and differs from `previous`)."""
        def loaded(driver):
            for element in driver.find_elements(By.CSS_SELECTOR, css(name)):
                src = element.get_attribute("src") or ""
                complete = driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", element)
                if src.startswith("data:") and complete and src != previous:
                    return src
            return False
        return self.wait(f"{css(name)} to show an image", loaded)

    def screenshot(self, folder: str, tab: str):
        path = os.path.join(folder, f"studio-{tab}.png")
        self.driver.save_screenshot(path)


def option_values(select_element) -> list[str]:
    return [o.get_attribute("value") for o in Select(select_element).options]


def hidden_set(mask: common.PNGImage) -> set[tuple[int, int]]:
    """The (x, y) of the mask's hidden (black) pixels; white is visible."""
    return {(x, y) for y in range(mask.height) for x in range(mask.width) if mask.grey(x, y) < 128}


def check_completion_images(page: Page, shape: list[int], pasted: bool, label: str):
    """Decodes the completion, original and mask images the page shows; returns (completion, original, mask)."""
    checks = page.checks
    completion = common.data_url_png(page.image_src_when_loaded("result_completion"))
    original = common.data_url_png(page.image_src_when_loaded("result_original"))
    mask = common.data_url_png(page.image_src_when_loaded("result_mask"))
    height, width, channels = shape
    for name, image in (("completion", completion), ("original", original), ("mask", mask)):
        checks.check((image.width, image.height) == (width, height), f"{label}: the {name} is the model's size {width}×{height}",
                     f"it is {image.width}×{image.height}")
    checks.check(completion.channels in (channels, channels + 1), f"{label}: the completion has the model's {channels} channel(s)",
                 f"it has {completion.channels}")
    if pasted and (completion.width, completion.height) == (original.width, original.height) == (mask.width, mask.height):
        hidden = hidden_set(mask)
        differing = [(x, y) for y in range(height) for x in range(width)
                     if (x, y) not in hidden and completion.pixel(x, y)[:channels] != original.pixel(x, y)[:channels]]
        checks.check(not differing, f"{label}: every visible pixel of the completion equals the original's",
                     f"{len(differing)} differ, first {differing[:5]}")
    return completion, original, mask


def check_metrics(page: Page, label: str):
    text = page.find("complete_metrics").text
    match = re.search(r"MSE\D{0,20}?(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)", text)
    value = float(match.group(1)) if match else math.nan
    page.checks.check(match is not None and math.isfinite(value) and value >= 0,
                      f"{label}: #complete-metrics shows a finite MSE", repr(text[:200]))
    shown = page.find("complete_result").text
    leaked = re.findall(r"\b(?:null|undefined|NaN|\[object Object\])\b", shown)
    page.checks.check(not leaked, f"{label}: the result shows no null, undefined or NaN", f"{leaked} in {shown[:300]!r}")


def paint_stroke(page: Page, mask_shape: list[int]) -> list[tuple[int, int]]:
    """Drags the mouse across the middle of the canvas, left to right, in several steps; returns the model pixels
    under the pointer's path."""
    canvas = page.find("mask_canvas")
    page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    rect = page.driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];", canvas)
    width, height = rect
    model_height, model_width = mask_shape[0], mask_shape[1]
    # From 20 % to 80 % of the width, at 50 % of the height (offsets are from the element's centre).
    y_offset = 0
    xs = [-0.3 * width + i * (0.6 * width) / 10 for i in range(11)]
    actions = ActionChains(page.driver, duration=30)
    actions.move_to_element_with_offset(canvas, int(xs[0]), y_offset).click_and_hold()
    for x in xs[1:]:
        actions.move_to_element_with_offset(canvas, int(x), y_offset)
    actions.release().perform()
    under = []
    for x in xs:
        px = int((x + width / 2) / width * model_width)
        py = int((y_offset + height / 2) / height * model_height)
        under.append((min(px, model_width - 1), min(py, model_height - 1)))
    return under


def load_random_image(page: Page):
    """Clicks #random-image and waits for #image-info to describe the new image."""
    before = page.find("image_info").text
    page.click("random_image")
    page.wait("the random test image (#image-info to change)", lambda d: (t := page.find("image_info").text) != before and t)
    time.sleep(0.2)   # the canvas draws the image once it has decoded it


def complete_tab(page: Page, run_list: list[dict], shots: str):
    checks, driver = page.checks, page.driver
    strokes = common.run_named(run_list, RUN_COMPLETION)
    cnn = common.run_named(run_list, RUN_CNN)
    completing = [r["id"] for r in run_list if r["completes"]]

    # The run picker lists the runs that complete.
    select = page.wait("#complete-run to list the runs",
                       lambda d: (e := d.find_element(By.CSS_SELECTOR, css("complete_run")))
                       and set(completing) <= set(option_values(e)) and e)
    checks.check(set(option_values(select)) == set(completing), "#complete-run lists exactly the runs that complete",
                 f"{option_values(select)} vs {completing}")
    Select(select).select_by_value(strokes["id"])

    # A random test image.
    load_random_image(page)

    # Paint a stroke, complete.
    under = paint_stroke(page, strokes["imageShape"])
    page.click("complete_button")
    completion, original, mask = check_completion_images(page, strokes["imageShape"], strokes["takesMask"], "strokes run, painted mask")
    hidden = hidden_set(mask)
    total = mask.width * mask.height
    checks.check(0 < len(hidden) < total // 2, "painted mask: some pixels hidden, most visible", f"{len(hidden)} of {total} hidden")
    painted = sum(1 for p in under if p in hidden)
    checks.check(painted >= len(under) - 1, "painted mask: the pixels under the drag are hidden",
                 f"{painted} of {len(under)} under the pointer are hidden; path {under}")
    far = [(x, y) for (x, y) in hidden if abs(y - under[0][1]) > 8]
    checks.check(not far, "painted mask: nothing far from the drag is hidden", f"{len(far)} such, e.g. {far[:5]}")
    check_metrics(page, "strokes run")
    page.screenshot(shots, "complete")

    # The cnn run with the bottom preset: the bottom half is hidden.
    Select(page.find("complete_run")).select_by_value(cnn["id"])
    previous = next((e.get_attribute("src") for e in page.find_all("result_completion")), None)
    load_random_image(page)
    Select(page.find("mask_preset")).select_by_value("bottom")
    page.click("complete_button")
    page.image_src_when_loaded("result_completion", previous=previous)
    _, _, mask = check_completion_images(page, cnn["imageShape"], cnn["takesMask"], "cnn run, bottom preset")
    height, width = mask.height, mask.width
    # The article's occlusion: rows H/2 + 1 … H − 1 (28×28: rows 15…27, 364 pixels).
    expected = {(x, y) for y in range(height // 2 + 1, height) for x in range(width)}
    checks.check(hidden_set(mask) == expected, "bottom preset: exactly the article's bottom rows are hidden",
                 f"{len(hidden_set(mask))} hidden, {len(expected)} expected")
    check_metrics(page, "cnn run")
    sampling_step(page, run_list)


def sampling_step(page: Page, run_list: list[dict]):
    """A sampling model draws 4 different completions that keep the visible pixels, and their mean."""
    checks, driver = page.checks, page.driver
    if not RUN_SAMPLING:
        print("  (--sampling-run '': sampling step skipped)", flush=True)
        return
    run = common.run_named(run_list, RUN_SAMPLING)
    Select(page.find("complete_run")).select_by_value(run["id"])
    page.wait("#samples to be enabled for a sampling run", lambda d: page.find("samples").is_enabled())
    previous = next((e.get_attribute("src") for e in page.find_all("result_completion")), None)
    load_random_image(page)
    Select(page.find("mask_preset")).select_by_value("bottom")
    samples = page.find("samples")
    samples.clear()
    samples.send_keys("4")
    page.click("complete_button")
    page.image_src_when_loaded("result_completion", previous=previous)
    page.wait("4 samples", lambda d: len(page.find_all("result_completion")) == 4)
    _, original, mask = check_completion_images(page, run["imageShape"], True, "pixelcnn run, 4 samples")
    drawn = [common.data_url_png(e.get_attribute("src")) for e in page.find_all("result_completion")]
    hidden = hidden_set(mask)
    for k, sample in enumerate(drawn, 1):
        differing = [(x, y) for y in range(original.height) for x in range(original.width)
                     if (x, y) not in hidden and sample.pixel(x, y)[:1] != original.pixel(x, y)[:1]]
        checks.check(not differing, f"pixelcnn sample {k}: the visible pixels equal the original's", f"{len(differing)} differ")
    checks.check(len({s.pixels for s in drawn}) == 4, "pixelcnn: the 4 samples all differ")
    checks.check(len(page.find_all("result_mean")) == 1, "pixelcnn: the mean of the samples is shown")
    check_metrics(page, "pixelcnn run")


def backgrounds_tab(page: Page, run_list: list[dict], shots: str):
    background = common.run_named(run_list, RUN_BACKGROUNDS)
    page.click("tab_backgrounds")
    page.wait("the Backgrounds panel", lambda d: page.visible("background_button"))
    select = page.wait("#background-run to list the run", lambda d: background["id"] in option_values(
        d.find_element(By.CSS_SELECTOR, "#background-run")) and d.find_element(By.CSS_SELECTOR, "#background-run"))
    Select(select).select_by_value(background["id"])
    page.click("background_button")

    def loaded(driver):
        images = driver.find_elements(By.CSS_SELECTOR, css("background_images"))
        done = [i for i in images if driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", i)]
        return len(done) >= 32 and done
    images = page.wait("32 images in #background-result", loaded)
    page.checks.check(len(images) == 32, "Backgrounds: 32 images", f"{len(images)}")
    for image in images[:3]:
        decoded = common.data_url_png(image.get_attribute("src"))
        page.checks.check(decoded.channels in (3, 4), "Backgrounds: the images are RGB", f"{decoded.channels} channels")
    page.screenshot(shots, "backgrounds")


def letters_tab(page: Page, run_list: list[dict], shots: str):
    gan = common.run_named(run_list, RUN_GAN)
    page.click("tab_letters")
    page.wait("the Letters panel", lambda d: page.visible("letter_button"))
    select = page.wait("#letter-run to list the run", lambda d: gan["id"] in option_values(
        d.find_element(By.CSS_SELECTOR, "#letter-run")) and d.find_element(By.CSS_SELECTOR, "#letter-run"))
    Select(select).select_by_value(gan["id"])
    field = page.find("letter_text")
    field.clear()
    field.send_keys(WORD)
    page.click("letter_button")
    page.image_src_when_loaded("letter_image")
    image = page.find("letter_image")
    natural = page.driver.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight]", image)
    scale = natural[1] / LETTER_SIZE
    page.checks.check(scale >= 1 and scale == int(scale) and natural[0] == len(WORD) * LETTER_SIZE * scale,
                      f"Letters: the image of '{WORD}' is {len(WORD)} letters of {LETTER_SIZE} px (× an integer scale)",
                      f"natural size {natural[0]}×{natural[1]}")
    page.screenshot(shots, "letters")


def runs_tab(page: Page, run_list: list[dict], shots: str):
    page.click("tab_runs")
    rows = page.wait("#runs-table rows", lambda d: (r := d.find_elements(By.CSS_SELECTOR, css("runs_table_rows")))
                     and len(r) >= len(run_list) and r)
    page.checks.check(len(rows) == len(run_list), "Runs: one table row per run", f"{len(rows)} rows, {len(run_list)} runs")
    # The background run logs several steps, so its curve is a line, not a dot.
    chosen = common.run_named(run_list, RUN_BACKGROUNDS)
    # The table is redrawn when the list refreshes (on opening the tab, then every 5 s): find the row afresh on
    # each try.
    clicked = False
    for _ in range(10):
        try:
            target = page.driver.find_elements(By.CSS_SELECTOR, f'#runs-table tbody tr[data-id="{chosen["id"]}"]')
            if not target:
                break
            page.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", target[0])
            target[0].click()
            clicked = True
            break
        except StaleElementReferenceException:
            time.sleep(0.1)
    if not page.checks.check(clicked, f"Runs: a row for {chosen['name']} that can be clicked"):
        return
    paths = page.wait("#run-detail with an SVG curve", lambda d: page.visible("run_detail")
                      and d.find_elements(By.CSS_SELECTOR, css("run_detail_curve")))
    detail = common.Client(page.driver.current_url).get(f"/api/runs/{chosen['id']}").json()
    if len(detail["metrics"]["rows"]) >= 2:
        page.checks.check(any("L" in (p.get_attribute("d") or "") for p in paths), "Runs: the detail's curve is a line",
                          f"{[p.get_attribute('d')[:40] for p in paths]}")
    page.screenshot(shots, "runs")


def severe_log_entries(driver) -> list[str]:
    return [f"{e.get('source', '')}: {e['message']}" for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def browser_checks(url: str, shots: str, checks: common.Checks, run_list: list[dict]):
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for argument in ("--headless=new", "--no-sandbox", "--window-size=1280,1280", "--disable-gpu",
                     "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    driver = webdriver.Chrome(service=service, options=options)
    try:
        driver.get(url + "/")
        page = Page(driver, checks)
        for name, step in (("Complete", complete_tab), ("Backgrounds", backgrounds_tab), ("Letters", letters_tab), ("Runs", runs_tab)):
            started = time.monotonic()
            try:
                step(page, run_list, shots)
            except AssertionError as error:
                checks.check(False, f"{name} tab", str(error))
                driver.save_screenshot(os.path.join(shots, f"failed-{name.lower()}.png"))
            except Exception as error:  # a missing element: the page does not do what a person needs
                here = next((f for f in reversed(traceback.extract_tb(error.__traceback__)) if f.filename == __file__),
                            traceback.extract_tb(error.__traceback__)[-1])
                checks.check(False, f"{name} tab", f"{type(error).__name__} at line {here.lineno} ({here.line}): "
                                                   f"{str(error).splitlines()[0] if str(error) else ''}")
                driver.save_screenshot(os.path.join(shots, f"failed-{name.lower()}.png"))
            print(f"  {name} tab: {time.monotonic() - started:.1f}s", flush=True)
        severe = severe_log_entries(driver)
        checks.check(not severe, "the browser log has no SEVERE entries", "; ".join(severe)[:2000])
    finally:
        driver.quit()


def security_checks(url: str, checks: common.Checks, run_list: list[dict]):
    client = common.Client(url)
    completing = common.run_named(run_list, RUN_COMPLETION)["id"]
    body = {"run": completing, "image": "", "mask": "run"}

    reply = client.post_json("/api/complete", body, {"Origin": "http://evil.example"})
    checks.check(reply.status == 403 and common.is_error_body(reply), "POST /api/complete from Origin http://evil.example: 403 JSON error",
                 reply.describe())
    checks.check(reply.header("Access-Control-Allow-Origin") is None, "the 403 carries no Access-Control-Allow-Origin",
                 str(reply.header("Access-Control-Allow-Origin")))
    reply = client.request("OPTIONS", "/api/complete", headers={"Origin": "http://evil.example",
                                                                 "Access-Control-Request-Method": "POST"})
    checks.check(reply.status < 500 and reply.header("Access-Control-Allow-Origin") is None,
                 "a CORS preflight from another origin is not allowed", reply.describe())

    reply = client.get("/")
    policy = reply.header("Content-Security-Policy") or ""
    checks.check(reply.status == 200 and "text/html" in (reply.header("Content-Type") or ""), "GET / is the HTML page", reply.describe()[:120])
    checks.check(re.search(r"script-src 'self'(;|$)", policy) is not None, "GET / has a Content-Security-Policy with script-src 'self'",
                 repr(policy))

    for path in ("/api/runs/..%2F..%2Fetc", "/api/runs/..%2F..%2Fetc%2Fpasswd", "/runs/../../etc/passwd",
                 "/runs/..%2F..%2Fetc%2Fpasswd", "/runs/%2E%2E/%2E%2E/etc/passwd", "/api/runs/no-such-run",
                 "/api/runs/no-such-run/metrics", "/api/runs/no-such-run/test-image", "/runs/no-such-run/report.html",
                 "/assets/../../../../etc/passwd", "/assets/..%2F..%2F..%2Fetc%2Fpasswd"):
        reply = client.get(path)
        checks.check(reply.status == 404 and b"root:" not in reply.body, f"GET {path}: 404", reply.describe())
        checks.check(common.is_error_body(reply) if path.startswith("/api/") else True, f"GET {path}: a JSON error body",
                     reply.describe())

    big = b'{"run": "' + completing.encode() + b'", "image": "' + b"A" * (9 * 1024 * 1024) + b'"}'
    reply, problem = oversized_post(url, "/api/complete", big)
    checks.check(reply is not None and reply.status == 413 and common.is_error_body(reply), "a 9 MiB POST: 413 JSON error",
                 reply.describe() if reply else problem)
    reply = client.request("POST", "/api/complete", b'{"run": "x", "image": "x"}', {"Content-Type": "text/plain"})
    checks.check(reply.status == 415 and common.is_error_body(reply), "a text/plain POST: 415 JSON error", reply.describe())
    reply = client.request("POST", "/api/complete", b'{"run": "x", "image": "x"}', {})
    checks.check(reply.status == 415 and common.is_error_body(reply), "a POST without Content-Type: 415 JSON error", reply.describe())
    reply = client.get("/api/runs")
    checks.check(reply.status == 200, "GET /api/runs still answers 200", reply.describe())


def oversized_post(url: str, path: str, body: bytes) -> tuple[common.Response | None, str]:
    """POSTs `body` over a raw socket and goes on to read the response when the server stops reading early (a
    server may answer 413 from the Content-Length alone). Returns the response, or None and what went wrong."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
        connection.sendall(f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
                           f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode())
        try:
            for start in range(0, len(body), 65536):
                connection.sendall(body[start:start + 65536])
        except OSError:
            pass
        received = b""
        try:
            while chunk := connection.recv(65536):
                received += chunk
        except OSError as error:
            if not received:
                return None, f"no response: {error!r}"
    if not received:
        return None, "the server closed the connection without a response"

    class Received:
        def makefile(self, *args, **kwargs):
            return io.BytesIO(received)
    reply = http.client.HTTPResponse(Received())
    try:
        reply.begin()
        return common.Response(reply.status, reply.headers, reply.read()), ""
    except (http.client.HTTPException, ValueError) as error:
        return None, f"unreadable response {error!r}: {received[:200]!r}"


def main() -> int:
    global RUN_COMPLETION, RUN_CNN, RUN_BACKGROUNDS, RUN_GAN, RUN_SAMPLING
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--screenshots", required=True, help="folder that receives studio-<tab>.png when every check passes")
    parser.add_argument("--completion-run", default=RUN_COMPLETION, help="name of a completion-network run trained on free-form masks")
    parser.add_argument("--cnn-run", default=RUN_CNN, help="name of a CNN run trained on the bottom mask")
    parser.add_argument("--background-run", default=RUN_BACKGROUNDS)
    parser.add_argument("--gan-run", default=RUN_GAN)
    parser.add_argument("--sampling-run", default=RUN_SAMPLING, help="a pixelcnn run; empty skips the sampling step")
    arguments = parser.parse_args()
    RUN_COMPLETION, RUN_CNN = arguments.completion_run, arguments.cnn_run
    RUN_BACKGROUNDS, RUN_GAN, RUN_SAMPLING = arguments.background_run, arguments.gan_run, arguments.sampling_run
    url = arguments.url.rstrip("/")
    checks = common.Checks("browser_test")
    run_list = common.runs(common.Client(url))
    scratch = tempfile.mkdtemp(prefix="studio-shots-")
    try:
        print("browser: headless Chromium", flush=True)
        browser_checks(url, scratch, checks, run_list)
        print("security: headers and refusals", flush=True)
        security_checks(url, checks, run_list)
        if not checks.failed:
            os.makedirs(arguments.screenshots, exist_ok=True)
            for tab in ("complete", "backgrounds", "letters", "runs"):
                shutil.copyfile(os.path.join(scratch, f"studio-{tab}.png"), os.path.join(arguments.screenshots, f"studio-{tab}.png"))
            print(f"screenshots: {arguments.screenshots}/studio-{{complete,backgrounds,letters,runs}}.png", flush=True)
        else:
            kept = os.environ.get("STUDIO_FAILED_SHOTS", "/tmp/studio-failed-screenshots")
            shutil.rmtree(kept, ignore_errors=True)
            shutil.copytree(scratch, kept)
            print(f"screenshots of the failing run (not written to {arguments.screenshots}): {kept}", flush=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())
