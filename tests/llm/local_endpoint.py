"""A minimal OpenAI-compatible chat endpoint on loopback, answering every drafting task with
``EchoDrafts`` — to try the re-record command end to end without a real model:

    python -m tests.llm.local_endpoint 8765 &
    CJM_RECORD_CASSETTES=1 CJM_LLM_BASE_URL=http://127.0.0.1:8765/v1 CJM_LLM_MODEL=echo \\
        pytest tests/llm/test_openai_client.py -m recordable
"""

from __future__ import annotations

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from generator.drafting.echo import EchoDrafts
from generator.llm.interface import ChatRequest, Message
from prompts.fencing import LANGUAGE_NAMES
from tests.llm.wire import completion


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        system = body["messages"][0]["content"]
        lang = next((k for k, v in LANGUAGE_NAMES.items() if f"in {v}" in system), "en")
        task = body["response_format"]["json_schema"]["name"]
        messages = tuple(Message(m["role"], m["content"]) for m in body["messages"])
        answer = EchoDrafts(lang)(ChatRequest(task, messages, object, 1, 1))  # type: ignore[arg-type]
        status, headers, payload = completion(json.dumps(answer, ensure_ascii=False))
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), _Handler).serve_forever()
