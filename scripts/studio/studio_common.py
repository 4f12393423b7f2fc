"""Helpers shared by the studio's out-of-process tests: a small PNG reader and writer (8-bit, non-interlaced,
grey / grey+alpha / RGB / RGBA / palette), data: URL decoding and a raw HTTP client that never follows redirects,
never normalises paths and never raises on a 4xx/5xx status."""

from __future__ import annotations

import base64
import http.client
import json
import struct
import sys
import zlib
from dataclasses import dataclass
from urllib.parse import urlsplit

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass
class PNGImage:
    width: int
    height: int
    channels: int          # 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA (palettes are expanded to RGB/RGBA)
    pixels: bytes          # row-major, `channels` bytes per pixel

    def pixel(self, x: int, y: int) -> tuple[int, ...]:
        i = (y * self.width + x) * self.channels
        return tuple(self.pixels[i:i + self.channels])

    def grey(self, x: int, y: int) -> int:
        """The pixel's first channel (grey images) or its mean colour (RGB), alpha ignored."""
        p = self.pixel(x, y)
        if self.channels <= 2:
            return p[0]
        return round(sum(p[:3]) / 3)


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode_png(data: bytes) -> PNGImage:
    """Decodes an 8-bit non-interlaced PNG; raises ValueError on anything else or on a damaged file."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG (bad signature)")
    pos = len(PNG_SIGNATURE)
    header = None
    palette = b""
    transparency = b""
    idat = bytearray()
    while True:
        if pos + 8 > len(data):
            raise ValueError("truncated PNG (no IEND)")
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc_bytes = data[pos + 8 + length:pos + 12 + length]
        if len(body) != length or len(crc_bytes) != 4:
            raise ValueError(f"truncated {kind!r} chunk")
        if zlib.crc32(kind + body) & 0xFFFFFFFF != struct.unpack(">I", crc_bytes)[0]:
            raise ValueError(f"bad CRC in {kind!r} chunk")
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"PLTE":
            palette = body
        elif kind == b"tRNS":
            transparency = body
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("no IHDR chunk")
    width, height, depth, colour, _, _, interlace = header
    if depth != 8:
        raise ValueError(f"bit depth {depth} is not supported (8 only)")
    if interlace != 0:
        raise ValueError("interlaced PNGs are not supported")
    samples = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}.get(colour)
    if samples is None:
        raise ValueError(f"colour type {colour} is invalid")
    raw = zlib.decompress(bytes(idat))
    stride = width * samples
    if len(raw) < height * (stride + 1):
        raise ValueError("IDAT holds too few bytes")
    out = bytearray(height * stride)
    previous = bytearray(stride)
    for y in range(height):
        filter_type = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - samples] if i >= samples else 0
            up = previous[i]
            upper_left = previous[i - samples] if i >= samples else 0
            if filter_type == 1:
                line[i] = (line[i] + left) & 0xFF
            elif filter_type == 2:
                line[i] = (line[i] + up) & 0xFF
            elif filter_type == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
            elif filter_type == 4:
                line[i] = (line[i] + _paeth(left, up, upper_left)) & 0xFF
            elif filter_type != 0:
                raise ValueError(f"filter type {filter_type} is invalid")
        out[y * stride:(y + 1) * stride] = line
        previous = line
    if colour == 3:
        if not palette:
            raise ValueError("palette image without PLTE")
        channels = 4 if transparency else 3
        expanded = bytearray()
        for index in out:
            expanded += palette[3 * index:3 * index + 3]
            if transparency:
                expanded.append(transparency[index] if index < len(transparency) else 255)
        return PNGImage(width, height, channels, bytes(expanded))
    return PNGImage(width, height, samples, bytes(out))


def encode_png(width: int, height: int, channels: int, pixels: bytes) -> bytes:
    """An 8-bit PNG of `channels` 1 (grey), 2, 3 (RGB) or 4 (RGBA), unfiltered."""
    colour = {1: 0, 2: 4, 3: 2, 4: 6}[channels]
    stride = width * channels
    assert len(pixels) == height * stride
    raw = b"".join(b"\x00" + pixels[y * stride:(y + 1) * stride] for y in range(height))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    return (PNG_SIGNATURE + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, colour, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def data_url_bytes(url: str) -> bytes:
    """The bytes of a `data:…;base64,` URL."""
    if not url.startswith("data:"):
        raise ValueError(f"not a data: URL: {url[:40]!r}")
    head, _, body = url.partition(",")
    if not head.endswith(";base64"):
        raise ValueError(f"data: URL is not base64: {head!r}")
    return base64.b64decode(body, validate=True)


def data_url_png(url: str) -> PNGImage:
    if not url.startswith("data:image/png;base64,"):
        raise ValueError(f"not a PNG data URL: {url[:40]!r}")
    return decode_png(data_url_bytes(url))


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    def json(self):
        return json.loads(self.body)

    def describe(self) -> str:
        text = self.body[:300].decode("utf-8", "replace")
        return f"{self.status} {self.header('Content-Type')} {text!r}"


class Client:
    """One keep-alive HTTP/1.1 connection to the server under test (reconnects when the server closes it)."""

    def __init__(self, base_url: str, timeout: float = 60, retry: bool = True):
        """`retry`: send a request once more on a fresh connection when the kept-alive one was closed (off where a
        dropped connection is what the test looks for)."""
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout, self.retry = timeout, retry
        self.connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Response:
        for attempt in range(2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                # skip_accept_encoding: the path and the headers go out exactly as given.
                self.connection.putrequest(method, path, skip_accept_encoding=True)
                for name, value in (headers or {}).items():
                    self.connection.putheader(name, value)
                if body is not None or method in ("POST", "PUT"):
                    self.connection.putheader("Content-Length", str(len(body or b"")))
                self.connection.endheaders(body)
                reply = self.connection.getresponse()
                data = reply.read()
                if reply.will_close:
                    self.close()
                return Response(reply.status, reply.headers, data)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A keep-alive connection the server closed while idle: once more on a fresh one.
                self.close()
                if attempt == 1 or not self.retry:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str, headers: dict | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post_json(self, path: str, payload, headers: dict | None = None) -> Response:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        return self.request("POST", path, body, {"Content-Type": "application/json", **(headers or {})})

    def close(self):
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def runs(client: Client) -> list[dict]:
    reply = client.get("/api/runs")
    if reply.status != 200:
        raise AssertionError(f"GET /api/runs: {reply.describe()}")
    return reply.json()["runs"]


def run_named(run_list: list[dict], suffix: str) -> dict:
    """The run whose name (its folder under --runs) is `suffix` or ends in /`suffix`."""
    for run in run_list:
        if run["name"] == suffix or run["name"].endswith("/" + suffix):
            return run
    raise AssertionError(f"no run named {suffix!r} in {[r['name'] for r in run_list]}")


def is_error_body(reply: Response) -> bool:
    """The contract's error body: JSON {"error": string, "status": the response's status}."""
    try:
        body = reply.json()
    except ValueError:
        return False
    return (isinstance(body, dict) and isinstance(body.get("error"), str)
            and body.get("status") == reply.status and (reply.header("Content-Type") or "").startswith("application/json"))


class Checks:
    """Counts passed and failed checks; a failure is printed and the run goes on, the exit code says."""

    def __init__(self, name: str):
        self.name, self.passed, self.failed = name, 0, []

    def check(self, condition: bool, what: str, detail: str = "") -> bool:
        if condition:
            self.passed += 1
        else:
            self.failed.append(what)
            print(f"FAIL {what}" + (f": {detail}" if detail else ""), flush=True)
        return condition

    def finish(self) -> int:
        print(f"{self.name}: {self.passed} passed, {len(self.failed)} failed", flush=True)
        return 1 if self.failed else 0


def fail(message: str):
    print(f"FAIL {message}", file=sys.stderr, flush=True)
    sys.exit(1)
