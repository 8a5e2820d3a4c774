"""A minimal OpenAI-compatible chat endpoint on loopback, answering every drafting task with
``FakeDrafter`` — to try the re-record command end to end without a real model:

    python -m tests.helpers.llm.local_endpoint 8765 &
    CJM_RECORD_CASSETTES=1 CJM_LLM_BASE_URL=http://127.0.0.1:8765/v1 CJM_LLM_MODEL=echo \\
        pytest tests/generator/llm/test_openai_client.py -m recordable

``scripted_endpoint`` serves a list of raw HTTP answers instead (any status, content type and
body, JSON or not) to the real client over a real loopback socket, and records every request
it received — proof that a request went through the client's own transport.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from generator.drafting.fake_drafter import FakeDrafter
from generator.llm.interface import ChatRequest, Message
from knowledge.vocabulary import PROMPT_NAMES
from tests.helpers.llm.wire import completion


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        system = body["messages"][0]["content"]
        lang = next((k for k, v in PROMPT_NAMES.items() if f"in {v}" in system), "en")
        task = body["response_format"]["json_schema"]["name"]
        messages = tuple(Message(m["role"], m["content"]) for m in body["messages"])
        answer = FakeDrafter(lang)(ChatRequest(task, messages, object, 1, 1))  # type: ignore[arg-type]
        status, headers, payload = completion(json.dumps(answer, ensure_ascii=False))
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


RawAnswer = tuple[int, str, bytes]  # status, content type, body


@dataclass
class Endpoint:
    base_url: str
    received: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def scripted_endpoint(answers: list[RawAnswer]) -> Iterator[Endpoint]:
    """A loopback server answering POSTs with ``answers`` in order."""
    queue = list(answers)
    received: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            received.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
            status, content_type, body = queue.pop(0) if queue else (500, "text/plain", b"none")
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Endpoint(f"http://127.0.0.1:{server.server_address[1]}/v1", received)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), _Handler).serve_forever()
