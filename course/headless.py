"""Headless execution of notebooks (nbclient) without replies lost on a busy machine.

The stall (issue 20). nbclient waits for a cell's ``execute_reply`` by polling the shell socket
of an asyncio kernel client (``zmq.asyncio``), which watches the socket's edge-triggered
``zmq.FD``. When the cell displays something inside an ipywidgets ``Output`` widget (the
lessons' explorers: ``optkit.plots.explore`` draws through ``interactive_output``), nbclient
mimics a front end and sends the widget's new state back to the kernel as a ``comm_msg`` on the
same shell socket, while that poll is pending (nbclient/output_widget.py ``_publish_msg``).
``jupyter_client.Session.send`` sends on a ``zmq.asyncio`` socket through a plain shadow socket
(jupyter_client/session.py: ``zmq.Socket.shadow(stream.underlying)``), bypassing pyzmq's
asyncio bookkeeping. A reply that arrives during that send has its wake-up consumed by libzmq
(a send processes the socket's pending commands), so the poll never wakes: client and kernel
both sit idle in ``epoll`` with the reply unread in the client's socket, until the cell's
timeout. Upstream: nbclient issue #312 and jupyter_client pull request #1059 (both open);
no released jupyter_client (8.10.0) or nbclient (0.11.0) avoids it, and with ipykernel 6.31.0
the stall happens as with 7.4.0 (benchmarks/soak.py).

The fix: after every send on the shell channel, read ``zmq.EVENTS`` through the asyncio socket.
pyzmq's asyncio socket then reschedules its own event handling if a message is waiting
(zmq/_future.py ``_AsyncSocket.get``: "if key == EVENTS: self._schedule_remaining_events"),
pyzmq's own handling of a wake-up consumed outside it (pyzmq pull request #1021).

Use ``KernelManager`` as nbclient's ``kernel_manager_class``; nbgrader's Execute preprocessor
(«Validate», autograde) gets ``KernelClient`` through its configuration
(``c.AsyncKernelManager.client_class``, see jupyter/common/nbgrader_config.py).
"""

import zmq
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.channels import AsyncZMQSocketChannel
from jupyter_client.manager import AsyncKernelManager
from traitlets import DottedObjectName, Type


class ShellChannel(AsyncZMQSocketChannel):
    """The shell channel of an asyncio client whose sends never hide a reply from its poll."""

    def send(self, msg):
        super().send(msg)
        # Session.send wrote on a shadow of this socket; let zmq.asyncio look again for a
        # message whose wake-up that write may have consumed.
        self.socket.get(zmq.EVENTS)


class KernelClient(AsyncKernelClient):
    """nbclient's kernel client with the shell channel above."""

    shell_channel_class = Type(ShellChannel)


CLIENT = f"{KernelClient.__module__}.{KernelClient.__qualname__}"


class KernelManager(AsyncKernelManager):
    """nbclient's kernel manager, handing out ``KernelClient``."""

    client_class = DottedObjectName(CLIENT)
    client_factory = Type(KernelClient)
