"""course.headless: a send on the shell channel never hides a waiting reply from nbclient's poll.

The race of issue 20, made deterministic: nbclient polls the shell socket for a cell's reply;
the reply reaches the client's socket; before the event loop looks, the client sends a message
on the same socket (nbclient's Output-widget mimic does, jupyter_client's Session.send writes
through a plain shadow socket), and libzmq's send consumes the wake-up of the reply. With
jupyter_client's own channel the poll then waits out its timeout; with course.headless's it
returns the reply at once. No kernel is started: a ROUTER socket plays the kernel.
"""

import asyncio
import select
import time

import nbformat
import pytest
import zmq
import zmq.asyncio
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.session import Session
from nbgrader.preprocessors import Execute
from traitlets.config.loader import PyFileConfigLoader

from course.headless import CLIENT, KernelClient, KernelManager, ShellChannel
from course.lessons import ROOT

POLL = 3.0  # seconds the poll may wait; the reply is there from the start


async def _reply_after_a_send(channel_class):
    """(message, seconds) of a poll for a reply that arrived just before a send."""
    context = zmq.asyncio.Context()
    kernel = zmq.Context.instance().socket(zmq.ROUTER)
    port = kernel.bind_to_random_port("tcp://127.0.0.1")
    socket = context.socket(zmq.DEALER)
    socket.connect(f"tcp://127.0.0.1:{port}")
    session = Session(key=b"")
    channel = channel_class(socket, session)
    try:
        channel.send(session.msg("execute_request", {"code": "1"}))
        ident, *request = kernel.recv_multipart()
        _, request = session.feed_identities(request)
        request = session.deserialize(request)
        poll = asyncio.ensure_future(channel.get_msg(timeout=POLL))
        await asyncio.sleep(0.2)  # the poll is pending, watching the socket's FD
        reply = session.msg("execute_reply", {"status": "ok"}, parent=request)
        kernel.send_multipart([ident, *session.serialize(reply)])
        # From here on the event loop does not run: wait until the reply has reached the
        # client (its FD is readable), then send on the same socket.
        fd = socket.get(zmq.FD)
        assert select.select([fd], [], [], 10)[0], "the reply never reached the client"
        time.sleep(0.05)  # past libzmq's throttle of command processing in send
        channel.send(session.msg("comm_msg", {"comm_id": "x", "data": {}}))
        started = time.monotonic()
        got = await poll  # on its timeout the poll looks once more, synchronously
        return got, time.monotonic() - started
    finally:
        socket.close(linger=0)
        kernel.close(linger=0)
        context.term()


def test_a_send_does_not_hide_the_reply_from_the_poll():
    got, seconds = asyncio.run(_reply_after_a_send(ShellChannel))
    assert got is not None and got["msg_type"] == "execute_reply"
    assert seconds < 1.0


def test_without_it_the_reply_waits_out_the_timeout():
    """The control: jupyter_client's channel loses the wake-up (nbclient issue #312) and
    finds the reply only when the poll times out (nbclient: the cell's timeout). If this fails,
    upstream has fixed the race and course.headless can go."""
    got, seconds = asyncio.run(_reply_after_a_send(AsyncZMQSocketChannel))
    assert got["msg_type"] == "execute_reply"
    assert seconds >= POLL - 0.5


@pytest.mark.parametrize("config", ["jupyter/common/nbgrader_config.py", "nbgrader_config.py"])
def test_nbgrader_executes_with_the_client(config):
    """«Validate» (both views) and nbgrader's autograde execute through nbgrader's Execute
    preprocessor, an nbclient whose kernel manager takes its client from this setting."""
    path = ROOT / config
    loaded = PyFileConfigLoader(path.name, str(path.parent)).load_config()
    assert loaded.AsyncKernelManager.client_class == CLIENT
    execute = Execute(config=loaded, kernel_name="python3")
    execute.nb = nbformat.v4.new_notebook()
    assert execute.create_kernel_manager().client_factory is KernelClient


def test_the_course_kernel_manager_hands_out_the_client():
    client = KernelManager().client()
    assert isinstance(client, KernelClient) and isinstance(client.shell_channel, ShellChannel)
