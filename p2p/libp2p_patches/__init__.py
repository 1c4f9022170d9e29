"""Every py-libp2p 0.8.1 behaviour change eth2 gossip needs, in one package.

Modules: ``params`` (eth2 parameters and bounds), ``router`` (:class:`Eth2GossipSub`, the eth2
message-id and cache), ``queues`` (bounded per-peer outbound queues), ``pubsub``
(:class:`Eth2Pubsub` and the topic-validator protocol), ``defences`` (bans, graylist gate,
oversize penalty, dead gossip streams), ``streams`` (:class:`GatedStream`), ``scoring``
(:class:`RetainingScorer`, :class:`PeerBans`), ``connections`` (:class:`InboundSlotTCP`,
:func:`new_eth2_host`), ``fanout`` (:class:`StaggeredSender`, large messages), ``yamux_credit``
(window credit in batches).

Nothing here monkeypatches py-libp2p: each change is a constructor argument, a subclass
(:class:`Eth2GossipSub`, :class:`Eth2Pubsub`, :class:`Eth2MessageCache`, :class:`RetainingScorer`,
:class:`InboundSlotTCP`) or an object we hand to py-libp2p (:class:`PeerQueues`,
:class:`Eth2MessageId`, :class:`GatedStream`, notifees) or, once, py-libp2p's own tuning variable
(``yamux_credit``). :func:`create_gossip` builds the patched pair; nothing else in the project
constructs ``Pubsub`` or ``GossipSub``. :func:`new_eth2_host` is ``libp2p.new_host`` over our TCP
transport (``inbound_slots``) with batched yamux credit. Each patch has a test in
``tests/test_libp2p_patches.py`` that also runs against the unpatched py-libp2p object and is
expected to fail there by an assertion (``xfail(strict=True, raises=AssertionError)``), so a
py-libp2p upgrade that fixes or changes a default shows up as an unexpected pass.

Patch table: default -> effect -> what we changed.

``mesh_params``
    default: heartbeat 120 s, and adaptive gossip (on) rewrites it to 30-60 s when its "health"
    is low; seen TTL 120 s; eclipse protection on.
    effect: mesh repair and IHAVE gossip every 30-120 s; duplicates remembered for 120 s only.
    change: ``heartbeat_interval=0.7``, ``adaptive_gossip_enabled=False``, D = 8 / 6 / 12, mcache
    6 / 3 heartbeats, seen TTL 385 s (550 heartbeats), eclipse protection off (note 1).
``spam_limit``
    default: 10 messages/s per peer and topic, our own publishes included; excess dropped silently.
    effect: a burst of 30 proofs arrives as 10.
    change: ``spam_protection_enabled=False``; floods are bounded by the admission queue of the
    proof pipeline (:mod:`eip8025_p2p.pipeline`) instead.
``subscription_limit``
    default: at most 100 topics per remote peer.
    effect: an eth2 peer (attnets, syncnets, data columns, globals: > 200 topics) has its later
    subscriptions ignored, possibly ours.
    change: ``max_subscriptions_per_peer=1024``.
``rpc_size``
    default: inbound RPC limit 1 MiB; the outbound per-peer ``RpcQueue`` drops RPCs above its
    ``max_message_size`` of 1 MiB, and that queue is built inside ``Pubsub._handle_new_peer``.
    effect: a proof above ~1 MiB compressed is lost: the receiver resets the stream, the sender
    drops the RPC as "oversized" (either limit alone loses it).
    change: both limits = compressed bound of ``MAX_SIGNED_EXECUTION_PROOF_ENVELOPE_SIZE`` + 64 KiB
    framing slack (:data:`MAX_GOSSIP_RPC_SIZE`): ``max_inbound_rpc_size`` and :class:`PeerQueues`.
``outbound_queue``
    default: 32 RPCs per peer (data and control together); a full queue drops silently while
    ``publish()`` reports success.
    effect: a burst (30 proofs plus one IDONTWANT each) is cut short.
    change: we chose a larger bound *and* back-pressure: 1024 RPCs and 64 MiB of data RPCs per peer
    (:class:`BoundedRpcBuffer`); local publishes wait for room (at most 10 s, counted); forwarding
    cannot wait (py-libp2p's ``send_rpc`` is synchronous), so beyond the bound it still drops.
``anonymous_publish``
    default: ``publish()`` sets ``from`` (39 B) and ``seqno`` (8 B) even without signing.
    effect: not StrictNoSign on the wire; eth2 peers reject such messages.
    change: :meth:`Eth2Pubsub.publish` / :meth:`Eth2Pubsub.publish_validated` send ``data`` and
    ``topicIDs`` only; received messages with from / seqno / signature / key are REJECTed.
``message_id``
    default: seen cache, mcache and IHAVE / IWANT keyed by ``from + seqno``, computed on the event
    loop for every received message.
    effect: 5 distinct anonymous proofs arrive as 1; IHAVE advertises empty ids; a 4 MiB message
    is decompressed and hashed on the loop (~5 ms) before any throttling.
    change: ``msg_id_constructor`` = eth2 message-id (:class:`Eth2MessageId`, memoised per message
    object, the memo bounded by count and bytes); the mcache is keyed by it
    (:class:`Eth2MessageCache`). For eth2 topics the topic validator computes the id itself, off
    the loop and after admission (``prepare``, which decodes the message in the same pass), and
    :meth:`Eth2Pubsub.push_msg` hands it to the memo.
``equivocation``
    default: the first *whole* message per ``from + seqno`` is kept, pruned only above 1000
    entries.
    effect: every anonymous message after the first is an "equivocation" (same empty key): not
    forwarded, and up to ~4 GiB of 4 MiB proofs retained.
    change: :meth:`Eth2GossipSub._check_equivocation` accepts and stores nothing
    (content-addressed ids cannot equivocate).
``recent_deliveries``
    default: ``recent_message_deliveries`` gets a timestamp per forwarded message and is pruned
    only by adaptive gossip.
    effect: with adaptive gossip off, a slow unbounded leak.
    change: :meth:`Eth2GossipSub._periodic_security_cleanup` drops entries older than 60 s.
``pending_replay``
    default: messages for peers whose subscription is not known yet are queued 30 s (100 per
    peer) and replayed.
    effect: stale replays, and up to 100 x 4 MiB held per connecting peer.
    change: ``pending_messages_ttl=0``, ``max_pending_messages_per_peer=1`` (go-libp2p has no such
    queue).
``idontwant``
    default: 10 IDONTWANT ids remembered per peer, all forgotten at every heartbeat; IDONTWANT is
    sent only after validation, when forwarding (to every mesh peer, also for our own messages).
    effect: useless for large messages: every mesh peer that validated a proof sends it to us in
    full (measured: ~7.5 copies of each 4 MiB proof per node on a 10-node full mesh), and in a
    burst the 11th id evicts earlier ones.
    change: ``max_idontwant_messages=1000`` (go-libp2p's default); IDONTWANT is sent on receipt,
    before validation, for messages of at least 1 KiB (gossipsub v1.2; not again when forwarding,
    never for our own messages); received ids are kept for 3 heartbeats
    (:meth:`Eth2GossipSub.announce_idontwant`, ``handle_idontwant``,
    ``_prune_idontwant_entries``).
``validator_safety``
    default: a *sync* topic validator that raises propagates out of ``push_msg``, which runs as a
    Pubsub service task.
    effect: one bad message tears down the Pubsub service (gossip on that host stops).
    change: :meth:`Eth2Pubsub.set_topic_validator` wraps every validator in an async function that
    never raises; :meth:`Eth2Pubsub.push_msg` catches everything (dropped, logged, counted).
``validation_outcomes``
    default: validators return bool; every failure scores ``on_invalid_message`` against the
    forwarder and is cached as failed for 300 s; accepted messages go to a 32-slot subscription
    channel.
    effect: an IGNORE (e.g. block not seen yet) penalises an honest peer; no IGNORE / REJECT
    distinction; the channel overflows silently if not drained.
    change: eth2 topics use an :class:`Eth2TopicValidator` (prepare, then ACCEPT / IGNORE /
    REJECT): only REJECT is scored; a message the validator cannot admit (full queue) is dropped
    before any decoding and not marked seen; the message-id is marked seen on receipt (no
    duplicate validation); no result cache; no subscription channel (the validator consumes the
    message).
``scoring``
    default: every score weight 0, every threshold ``-inf``.
    effect: penalties change nothing; a peer sending invalid proofs is never cut off.
    change: :func:`eth2_score_params`.
``score_retention``
    default: ``GossipSub.remove_peer`` calls ``PeerScorer.remove_peer``, which deletes every
    counter of a peer that disconnects (or whose gossip stream dies).
    effect: a penalised peer reconnects under the same identity with a clean score of 0.
    change: :class:`RetainingScorer` keeps (and decays) a departed peer's counters for
    ``retain_score`` (3600 s, gossipsub v1.1 ``RetainScore``); ``Eth2GossipSub.add_peer`` ends
    the departure.
``graylist_ban``
    default: a peer below ``graylist_threshold`` only has its GRAFTs refused; it stays connected.
    effect: a peer flooding invalid proofs keeps a core busy for as long as it likes.
    change: the penalty that takes a peer below the threshold disconnects it and bans it for
    ``ban_duration`` (600 s), one WARNING per ban (:class:`PeerBans`); :class:`BanNotifee` closes
    its new connections and ``is_peer_blacklisted`` refuses it a pubsub stream meanwhile.
``graylist_gate``
    default: ``Pubsub.continuously_read_stream`` parses every RPC, verifies its signed peer
    record and spawns a ``push_msg`` task per message before any graylist check.
    effect: a graylisted peer's traffic still costs parsing, a signature check and tasks.
    change: :meth:`Eth2Pubsub.stream_handler` reads the peer's inbound stream through a
    :class:`GatedStream`: frames of graylisted or banned peers are skipped unparsed.
``oversize_penalty``
    default: an RPC over ``max_inbound_rpc_size`` makes py-libp2p reset the stream; no penalty.
    effect: a peer may send oversize RPCs forever at no cost to its score.
    change: the :class:`GatedStream` reads the length prefix first and counts an oversize RPC
    as one invalid message on every eth2 topic (then py-libp2p resets the stream as before).
``dead_streams``
    default: EOF or reset of a peer's inbound pubsub stream ends its read loop silently; our
    outbound stream is never read, so its reset is noticed only when a write fails (that message
    is lost), and then the peer's subscriptions are forgotten and never learnt again (they came
    over the other stream, which stays open).
    effect: a peer that dropped its gossip session but kept the connection (js-libp2p after one
    unreadable RPC) stays in our mesh; we publish into the void, or gossip with it stops for good.
    change: both streams are watched; when either ends while connected the session is torn down
    (both streams reset, peer removed from mesh, ``peers`` and ``peer_topics``) and re-opened
    with a fresh hello, at most ``stream_reopens`` (3) times per ``stream_reopen_window`` (60 s).
``inbound_slots``
    default: ``Swarm._handle_inbound_connection`` holds an inbound slot (250 of them) until the
    swarm stops, also after the connection closed (``_do_handle_inbound_connection`` waits on
    ``manager.wait_finished()``).
    effect: after 250 inbound connections in a node's lifetime every newcomer is refused, and
    each closed connection's handler task and objects are kept.
    change: :class:`InboundSlotTCP` (our TCP transport, via :func:`new_eth2_host`) runs each
    inbound handler in its own cancel scope, cancelled once the swarm connection it produced has
    closed: the handler's ``finally`` returns the slot and the task ends.

``large_sends``
    default: ``GossipSub.publish`` queues a message for every chosen peer at once; per peer,
    ``send_rpc`` copies, splits and sizes the RPC and the writer task serializes it again and
    copies it twice (~11 ms of Python per 4 MiB copy); IDONTWANT received after that is not
    consulted; a peer that sent us a copy is still sent one.
    effect: in a 10-node full mesh every node received 1.55-1.7 copies of each 4 MiB proof and
    3.8-4.9 of each 300 KiB one: forwarders validate faster than the other receivers announce.
    change: messages of at least ``large_message_size`` (64 KiB) go through
    :class:`StaggeredSender`: the RPC is serialized once (``Eth2Pubsub.write_msg`` writes that
    frame), sent to ``large_send_parallel`` peers at a time (default: all at once, measured best
    here), and each peer is checked again right before its turn (IDONTWANT, or a copy it delivered
    to us, :meth:`Eth2GossipSub.note_delivered`, means skip). A message we *forward* is held until
    the peers that receive it from the same source could have announced it: one transfer time
    (how long its RPC took to arrive, :attr:`GatedStream.last_frame_seconds`), at least
    ``min_forward_hold`` (0), at most ``max_forward_hold`` (0.25 s), counted from receipt, so
    validation time is part of it. Peers, wire format and IHAVE / IWANT are unchanged. The frame
    is written in pieces of :data:`WRITE_SIZE` (65,507 bytes) so that each yamux frame fits one
    Noise message: py-libp2p's 65,536-byte frames each become two (65,519 + 17 bytes).
``flood_publish``
    default: our own messages go to the topic mesh only (py-libp2p has no flood publishing).
    effect: in a full mesh the topic peers outside our mesh get our proof only after another
    node validated and forwarded it, typically from several forwarders at once.
    change: our own messages go to every topic peer whose score is at least the publish threshold
    (gossipsub v1.1 flood publishing, go-libp2p's and js-libp2p's default);
    :meth:`Eth2GossipSub._get_peers_to_send`.
``yamux_credit``
    default: a yamux stream sends a WINDOW_UPDATE after every read that consumed bytes ("release
    on read"), even a 1-byte read of a length prefix.
    effect: ~one window-update frame per 64 KiB received, each a Noise message and a socket
    write for the receiver and a frame to read for the sender (``bench/bench_stream.py``: 31.3 ms
    of CPU per 4 MiB over a bare stream, both ends, against 20.2 ms with credit in batches and
    15.9 ms with Noise-sized writes as well).
    change: :func:`new_eth2_host` sets py-libp2p's tuning variable ``PY_YAMUX_RELEASE_ON_READ``
    to ``0`` unless the operator set it (:func:`batch_yamux_credit`): credit goes back when
    py-libp2p's go-yamux-style hysteresis asks for it (about every second read in our test).
    py-libp2p reads the variable at every read, so this holds for every yamux connection of the
    process.

Note 1: eclipse protection only grafts peers from *other* IPs, and in 0.8.1 peer IPs are never
recorded (``GossipSub.add_peer`` looks the stream up before ``Pubsub`` registers it), so it is inert
today; we switch it off so an upstream fix cannot start grafting past ``D_high`` on a devnet.

Known limits we leave alone: ``PeerScorer`` has one parameter set for all topics and no
mesh-delivery (P3) terms; opportunistic grafting runs every heartbeat; every RPC carries and
verifies a signed peer record (40 us to verify, 50 us to attach ours, per RPC: ~1.5 ms of a node's
~88 ms per 4 MiB message in the 10-node benchmark, README "Gossip speed").
"""

from __future__ import annotations

import trio
from libp2p.abc import IHost

from eip8025_p2p.libp2p_patches.connections import InboundSlotTCP, new_eth2_host
from eip8025_p2p.libp2p_patches.defences import SessionCounters
from eip8025_p2p.libp2p_patches.fanout import (
    WRITE_SIZE,
    LargeSendCounters,
    StaggeredSender,
    write_slices,
)
from eip8025_p2p.libp2p_patches.params import (
    GOSSIP_PROTOCOLS,
    IDONTWANT_HEARTBEATS,
    IDONTWANT_MIN_SIZE,
    MAX_GOSSIP_RPC_SIZE,
    PATCHES,
    RECENT_DELIVERY_WINDOW,
    RPC_FRAMING_SLACK,
    GossipParams,
    eth2_score_params,
)
from eip8025_p2p.libp2p_patches.pubsub import (
    Eth2Pubsub,
    Eth2TopicValidator,
    Prepared,
    PreparedId,
    PubsubCounters,
    ValidationResult,
)
from eip8025_p2p.libp2p_patches.queues import BoundedRpcBuffer, PeerQueues
from eip8025_p2p.libp2p_patches.router import Eth2GossipSub, Eth2MessageCache, Eth2MessageId
from eip8025_p2p.libp2p_patches.scoring import BanNotifee, Clock, PeerBans, RetainingScorer
from eip8025_p2p.libp2p_patches.streams import GatedStream
from eip8025_p2p.libp2p_patches.yamux_credit import batch_yamux_credit

__all__ = [
    "GOSSIP_PROTOCOLS",
    "IDONTWANT_HEARTBEATS",
    "IDONTWANT_MIN_SIZE",
    "MAX_GOSSIP_RPC_SIZE",
    "PATCHES",
    "RECENT_DELIVERY_WINDOW",
    "RPC_FRAMING_SLACK",
    "WRITE_SIZE",
    "BanNotifee",
    "BoundedRpcBuffer",
    "Clock",
    "Eth2GossipSub",
    "Eth2MessageCache",
    "Eth2MessageId",
    "Eth2Pubsub",
    "Eth2TopicValidator",
    "GatedStream",
    "GossipParams",
    "InboundSlotTCP",
    "LargeSendCounters",
    "PeerBans",
    "PeerQueues",
    "Prepared",
    "PreparedId",
    "PubsubCounters",
    "RetainingScorer",
    "SessionCounters",
    "StaggeredSender",
    "ValidationResult",
    "batch_yamux_credit",
    "create_gossip",
    "eth2_score_params",
    "new_eth2_host",
    "write_slices",
]


def create_gossip(
    host: IHost, params: GossipParams | None = None, *, clock: Clock = trio.current_time
) -> tuple[Eth2Pubsub, Eth2GossipSub]:
    """Build the patched ``Pubsub`` and ``GossipSub`` for ``host`` (run both as services).

    ``clock`` times score retention, bans and stream re-opens (trio's clock by default).
    """
    params = params or GossipParams()
    msg_id = Eth2MessageId()
    router = Eth2GossipSub(params, msg_id, clock)
    pubsub = Eth2Pubsub(host, router, params, msg_id, clock)
    return pubsub, router
