# A libtorrent 2.0 session on 127.0.0.1 for the interop tests, driven over stdin/stdout (one JSON object
# per line each way). Run with Debian's /usr/bin/python3 (python3-libtorrent). Test tooling only.
#
# Commands: {"cmd": "add", "torrent": <base64 .torrent> | "magnet": <uri>, "save_path": <dir>}
#           {"cmd": "connect", "id": n, "port": p}      dial a peer on 127.0.0.1
#           {"cmd": "status", "id": n}
#           {"cmd": "quit"}
# Events:   listening, added, checked, metadata, finished, hash_failed, peer_connected, peer_disconnected,
#           peer_log (hash messages only), status, error
import base64
import json
import select
import sys

import libtorrent as lt

settings = {
    'listen_interfaces': '127.0.0.1:0',
    'outgoing_interfaces': '127.0.0.1',
    'enable_dht': False,
    'enable_lsd': False,
    'enable_upnp': False,
    'enable_natpmp': False,
    'enable_outgoing_utp': False,
    'enable_incoming_utp': False,
    # Every test peer dials from 127.0.0.1; without this libtorrent keeps one connection per address.
    'allow_multiple_connections_per_ip': True,
    # Plaintext only: no obfuscation handshake (Swarmstream has none, browsers need none).
    'in_enc_policy': 2,
    'out_enc_policy': 2,
    'allowed_enc_level': 1,
    'alert_mask': lt.alert.category_t.status_notification
    | lt.alert.category_t.error_notification
    | lt.alert.category_t.peer_notification
    | lt.alert.category_t.connect_notification
    | lt.alert.category_t.peer_log_notification,
    'alert_queue_size': 100000,
    'user_agent': 'libtorrent-interop-test',
}
session = lt.session(settings)
VERBOSE = len(sys.argv) > 1 and sys.argv[1] == '--verbose'
handles = []


def emit(**event):
    sys.stdout.write(json.dumps(event) + '\n')
    sys.stdout.flush()


def id_of(handle):
    for i, h in enumerate(handles):
        if h == handle:
            return i
    return -1


def hashes_of(handle):
    ih = handle.info_hashes()
    return {'v1': str(ih.v1) if ih.has_v1() else None, 'v2': str(ih.v2) if ih.has_v2() else None}


def add(cmd):
    if 'magnet' in cmd:
        atp = lt.parse_magnet_uri(cmd['magnet'])
    else:
        atp = lt.add_torrent_params()
        atp.ti = lt.torrent_info(lt.bdecode(base64.b64decode(cmd['torrent'])))
    atp.save_path = cmd['save_path']
    atp.flags &= ~lt.torrent_flags.auto_managed
    atp.flags &= ~lt.torrent_flags.paused
    handle = session.add_torrent(atp)
    handles.append(handle)
    emit(event='added', id=len(handles) - 1, **hashes_of(handle))


def status(cmd):
    s = handles[cmd['id']].status()
    emit(event='status', id=cmd['id'], state=str(s.state), progress=s.progress, total_done=s.total_done,
         num_peers=s.num_peers, seeding=s.is_seeding, has_metadata=s.has_metadata,
         downloaded=s.total_payload_download, uploaded=s.total_payload_upload, error=s.errc.message() if s.errc.value() else None)


def on_alert(a):
    handle = getattr(a, 'handle', None)
    tid = id_of(handle) if handle is not None else -1
    if isinstance(a, lt.torrent_checked_alert):
        emit(event='checked', id=tid)
    elif isinstance(a, lt.metadata_received_alert):
        emit(event='metadata', id=tid, **hashes_of(handle))
    elif isinstance(a, lt.torrent_finished_alert):
        emit(event='finished', id=tid)
    elif isinstance(a, lt.hash_failed_alert):
        emit(event='hash_failed', id=tid, piece=a.piece_index)
    elif isinstance(a, lt.peer_connect_alert):
        emit(event='peer_connected', id=tid)
    elif isinstance(a, lt.peer_disconnected_alert):
        emit(event='peer_disconnected', id=tid, message=a.message())
    elif isinstance(a, lt.peer_log_alert):
        msg = a.message()
        if 'HASH' in msg or VERBOSE:
            emit(event='peer_log', id=tid, message=msg)
    elif isinstance(a, (lt.torrent_error_alert, lt.file_error_alert, lt.metadata_failed_alert)):
        emit(event='error', id=tid, message=a.message())


emit(event='listening', port=session.listen_port(), version=lt.__version__)
running = True
while running:
    ready, _, _ = select.select([sys.stdin], [], [], 0.05)
    if ready:
        line = sys.stdin.readline()
        if not line:
            break
        cmd = json.loads(line)
        try:
            if cmd['cmd'] == 'add':
                add(cmd)
            elif cmd['cmd'] == 'connect':
                handles[cmd['id']].connect_peer(('127.0.0.1', cmd['port']))
            elif cmd['cmd'] == 'status':
                status(cmd)
            elif cmd['cmd'] == 'quit':
                running = False
        except Exception as err:  # a bad command is the test's bug: report it, keep running
            emit(event='error', id=cmd.get('id', -1), message=repr(err))
    for a in session.pop_alerts():
        on_alert(a)
