"""What the LangChain adapter costs per model call, against the native OpenAI client.

    python -m bench.langchain [--calls 200] [--json PATH]

Every client answers the same structured request (one persona, Thai, the seam's strict
schema) from a loopback endpoint that speaks its provider's wire format and answers at once, so
the figures are the client side only: building the request, the SDK, LangChain's structured
output, reading the answer back. Baseline: the native ``OpenAIChatModel`` in the same run.
Printed per client: median and p95 milliseconds per call and the ratio of medians to the
baseline. A real model takes seconds per call; this is what the adapter adds to them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable

from generator.drafting.parts import PersonasPart
from generator.llm.interface import ChatModel, ChatRequest, Message
from generator.llm.langchain_chat import LangChainChatModel
from generator.llm.openai_chat import OpenAIChatModel
from knowledge.platform.settings import Settings
from tests.helpers.llm.providers import Reply, loopback, settings

PERSONA = (
    '{"personas": [{"name": "ลูกค้าประจำ", "description": "สั่งอาหารกลางวันทุกวัน", '
    '"goals": ["ได้อาหารเร็ว"], "frustrations": ["รอนาน"], "quotes": [{"evidence_id": '
    '"ev_th_late", "quote": "รอนานมาก"}]}]}'
)
REQUEST = ChatRequest(
    "personas",
    (Message("system", "Answer in Thai."), Message("user", "One persona.")),
    PersonasPart,
    1024,
    30,
)


def timed(model: ChatModel, calls: int) -> list[float]:
    model.complete(REQUEST)  # warm: clients, schemas, imports
    out = []
    for _ in range(calls):
        began = time.perf_counter()
        reply = model.complete(REQUEST)
        out.append((time.perf_counter() - began) * 1000)
        assert json.loads(reply.text)["personas"], reply
    return out


def run(calls: int) -> dict[str, dict[str, float]]:
    os.environ.setdefault("OPENAI_API_KEY", "sk-bench")
    os.environ.setdefault("ANTHROPIC_API_KEY", "sk-ant-bench")
    clients: dict[str, tuple[str, Callable[[str], ChatModel]]] = {
        "native OpenAI client (baseline)": (
            "openai",
            lambda origin: OpenAIChatModel(
                Settings(llm_base_url=origin + "/v1", llm_model="gpt-4o-mini")
            ),
        ),
        "LangChain ChatOpenAI": (
            "openai",
            lambda origin: LangChainChatModel.from_settings(settings("openai", origin)),
        ),
        "LangChain ChatAnthropic": (
            "anthropic",
            lambda origin: LangChainChatModel.from_settings(settings("anthropic", origin)),
        ),
        "LangChain ChatOllama": (
            "ollama",
            lambda origin: LangChainChatModel.from_settings(settings("ollama", origin)),
        ),
    }
    figures: dict[str, dict[str, float]] = {}
    for name, (provider, make) in clients.items():
        with loopback(provider, [Reply(PERSONA)] * (calls + 1)) as endpoint:
            model = make(endpoint.origin)
            ms = timed(model, calls)
            model.close()
        ms.sort()
        figures[name] = {
            "median_ms": statistics.median(ms),
            "p95_ms": ms[int(0.95 * (len(ms) - 1))],
        }
    base = figures["native OpenAI client (baseline)"]["median_ms"]
    for row in figures.values():
        row["ratio"] = row["median_ms"] / base
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200, help="timed calls per client")
    parser.add_argument("--json", help="also write the figures here")
    args = parser.parse_args(argv)
    figures = run(args.calls)
    print(f"{'client':34} {'median ms':>10} {'p95 ms':>8} {'x baseline':>11}")
    for name, row in figures.items():
        print(f"{name:34} {row['median_ms']:10.2f} {row['p95_ms']:8.2f} {row['ratio']:11.2f}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"calls": args.calls, "clients": figures}, out, indent=2)


if __name__ == "__main__":
    main()
