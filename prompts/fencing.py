"""Untrusted text in prompts: customer evidence is fenced between markers that carry a random
token chosen per job, so no text a customer wrote can close the fence or pose as instructions.
Evidence that addresses an AI system with instructions (``knowledge.text.hygiene``) is fenced with
``flag=addresses_ai`` on its marker, so the model is told it is data of that kind."""

from __future__ import annotations

import secrets

from knowledge.text.hygiene import ADDRESSES_AI


class Fence:
    def __init__(self, token: str | None = None) -> None:
        self.token = token or secrets.token_hex(8)

    def block(self, text: str, flagged: bool = False, **attributes: object) -> str:
        """``text`` between an opening marker (with attributes, and ``flag=addresses_ai`` when
        ``flagged``) and a closing marker."""
        if self.token in text:  # cannot happen by chance; refuse rather than fence badly
            raise ValueError("evidence contains the fence token")
        if flagged:
            attributes = {**attributes, "flag": ADDRESSES_AI}
        attrs = "".join(f" {k}={v}" for k, v in attributes.items())
        return f"[[evidence {self.token}{attrs}]]\n{text}\n[[/evidence {self.token}]]"
