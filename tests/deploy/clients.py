"""A patient's two ways in through nginx, each from a chosen client address (any of 127.0.0.0/8 is loopback):
the REST webhook (``requests``), and the widget's socket.io over a real websocket (python-socketio's
asyncio client on aiohttp: the sync client's websocket needs a package the project does not install).
Every session id is a fresh ``uuid4().hex``, as the channels expect from a client."""

from __future__ import annotations

import asyncio
import ssl
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional

import aiohttp
import requests
import socketio
from requests_toolbelt.adapters.source import SourceAddressAdapter

if not hasattr(aiohttp, "ClientWSTimeout"):
    # python-engineio 4.15's asyncio client passes ws_connect an aiohttp.ClientWSTimeout (aiohttp >= 3.10); Rasa
    # 3.6 pins aiohttp 3.9, whose ws_connect takes the same close timeout as a number of seconds.
    aiohttp.ClientWSTimeout = lambda ws_close=10.0, **_: ws_close


def rest_client(certificate: Path, source: str) -> requests.Session:
    """A REST client whose connections come from ``source`` and trust only the deployment's certificate."""
    session = requests.Session()
    session.mount("https://", SourceAddressAdapter(source))
    session.verify = str(certificate)
    session.trust_env = False  # else REQUESTS_CA_BUNDLE (set on some machines) replaces the certificate above
    return session


class Widget:
    """The widget's socket.io session: websocket only, the site's Origin, one persistent session id."""

    def __init__(self, url: str, certificate: Path, source: str, origin: str) -> None:
        self.url, self.certificate, self.source, self.origin = url, certificate, source, origin
        self.session_id = uuid.uuid4().hex
        self.replies: "asyncio.Queue[Dict[str, Any]]" = asyncio.Queue()
        self.http: Optional[aiohttp.ClientSession] = None
        self.sio: Optional[socketio.AsyncClient] = None

    async def open(self) -> "Widget":
        context = ssl.create_default_context(cafile=str(self.certificate))
        self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context, local_addr=(self.source, 0)))
        self.sio = socketio.AsyncClient(reconnection=False, http_session=self.http)
        confirmed: "asyncio.Queue[Any]" = asyncio.Queue()
        self.sio.on("bot_uttered", self.replies.put)
        self.sio.on("session_confirm", confirmed.put)
        try:
            await self.sio.connect(self.url, transports=["websocket"], headers={"Origin": self.origin})
            await self.sio.emit("session_request", {"session_id": self.session_id})
            await asyncio.wait_for(confirmed.get(), 30)
        except BaseException:
            await self.close()
            raise
        return self

    async def send(self, text: str) -> None:
        assert self.sio is not None
        await self.sio.emit("user_uttered", {"message": text, "session_id": self.session_id})

    async def say(self, text: str, wait: float = 60) -> List[Dict[str, Any]]:
        """Send one message; the replies that arrive until the assistant has been quiet for 1.5 s."""
        await self.send(text)
        replies = [await asyncio.wait_for(self.replies.get(), wait)]
        while True:
            try:
                replies.append(await asyncio.wait_for(self.replies.get(), 1.5))
            except asyncio.TimeoutError:
                return replies

    async def close(self) -> None:
        if self.sio is not None and self.sio.connected:
            await self.sio.disconnect()
        if self.http is not None:
            await self.http.close()


def answer_ids(replies: List[Dict[str, Any]]) -> List[str]:
    return [(reply.get("metadata") or {}).get("answer_id", "") for reply in replies]
