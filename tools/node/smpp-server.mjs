// A real SMPP server (npm `smpp`) for the tests and the benchmark of the SMS channel.
//
//   node smpp-server.mjs [--smpp-port 0] [--http-port 0] [--system-id vik] [--password secret]
//
// Prints one line `READY <smpp port> <http port>` when both listen (0 = any free port).
// It accepts transceiver binds with that system_id and password, answers every submit_sm with a
// message id, and sends a delivery receipt for each one that asks for it (registered_delivery).
// A submit_sm counts as received only once it was answered: a PDU dropped with the connection
// is not in /received, as a real SMSC that never acknowledged it would not deliver it.
//
// Control channel, a tiny HTTP API on loopback (JSON in and out):
//   GET  /received           the answered submit_sm: [{id, source, destination, data_coding,
//                            esm_class, udh (hex), text, hex, registered_delivery}]
//   GET  /stats              {binds, received, dropped, sessions, enquire_links}
//   POST /reset              forget what was received, back to the default mode
//   POST /mode               {receipt: "DELIVRD"|"UNDELIV"|"" (none), err: "001",
//                             receipt_first: true (the receipt goes out before submit_sm_resp),
//                             quiet: true (keep no record: the benchmark),
//                             refuse: "420…" (submit_sm to this number: ESME_RINVDSTADR),
//                             drop_all: true (close the connection at every submit_sm)}
//   POST /drop               {after: n}: the n-th next submit_sm is not answered and the
//                            connection is closed at once (mid-window)
//   POST /deliver            {source, destination, text | (hex, data_coding, udh_hex)}
//                            a deliver_sm to every bound session (an SMS from a citizen)
import http from 'node:http';
import smpp from 'smpp';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) =>
    (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const SYSTEM_ID = args['system-id'] || 'vik';
const PASSWORD = args.password || 'secret';

const defaults = () => ({ receipt: 'DELIVRD', err: '000', receipt_first: false, quiet: false, refuse: '', drop_all: false });
let mode = defaults();
let received = [];
let nextId = 1;
let dropAfter = 0;
let dropped = 0;
let binds = 0;
let enquireLinks = 0;
const sessions = new Set();

function receiptText(id, stat, err) {
  const now = '2601011200';
  return `id:${id} sub:001 dlvrd:${stat === 'DELIVRD' ? '001' : '000'} submit date:${now} ` +
    `done date:${now} stat:${stat} err:${err} text:`;
}

function sendReceipt(session, pdu, id) {
  const state = mode.receipt === 'DELIVRD' ? 2 : 5;
  session.deliver_sm({
    source_addr: pdu.destination_addr, destination_addr: pdu.source_addr, esm_class: 0x04,
    receipted_message_id: id, message_state: state,
    short_message: receiptText(id, mode.receipt, mode.err),
  });
}

const server = smpp.createServer((session) => {
  sessions.add(session);
  session.on('close', () => sessions.delete(session));
  session.on('error', () => sessions.delete(session));
  session.on('bind_transceiver', (pdu) => {
    if (pdu.system_id !== SYSTEM_ID || pdu.password !== PASSWORD) {
      session.send(pdu.response({ command_status: smpp.ESME_RBINDFAIL }));
      session.close();
      return;
    }
    binds += 1;
    session.bound = true;
    session.send(pdu.response({ system_id: 'VIKTEST' }));
  });
  session.on('submit_sm', (pdu) => {
    if (session.dropped) return; // read from the socket's buffer after the drop: never accepted
    if (mode.drop_all) { // an SMSC that binds, then drops the connection at every submit_sm
      dropped += 1;
      session.dropped = true;
      session.close();
      return;
    }
    if (dropAfter > 0) {
      dropAfter -= 1;
      if (dropAfter === 0) {
        dropped += 1;
        session.dropped = true;
        session.close();
        return;
      }
    }
    if (mode.refuse && pdu.destination_addr === mode.refuse) {
      session.send(pdu.response({ command_status: smpp.ESME_RINVDSTADR }));
      return;
    }
    const id = String(nextId++);
    const message = pdu.short_message || {};
    if (!mode.quiet) {
      received.push({
        id, source: pdu.source_addr, destination: pdu.destination_addr,
        data_coding: pdu.data_coding, esm_class: pdu.esm_class,
        udh: (message.udh || []).map((u) => Buffer.from(u).toString('hex')),
        text: typeof message.message === 'string' ? message.message : String(message.message ?? ''),
        registered_delivery: pdu.registered_delivery,
      });
    }
    const wantsReceipt = (pdu.registered_delivery & 1) && mode.receipt;
    if (wantsReceipt && mode.receipt_first) sendReceipt(session, pdu, id);
    session.send(pdu.response({ message_id: id }));
    if (wantsReceipt && !mode.receipt_first) sendReceipt(session, pdu, id);
  });
  session.on('enquire_link', (pdu) => { enquireLinks += 1; session.send(pdu.response()); });
  session.on('deliver_sm_resp', () => {});
  session.on('unbind', (pdu) => { session.send(pdu.response()); session.close(); });
});

function deliver(body) {
  let short;
  const udh = body.udh_hex ? Buffer.from(body.udh_hex, 'hex') : null;
  if (body.hex !== undefined) {
    short = Buffer.from(body.hex, 'hex');
    if (udh) short = Buffer.concat([udh, short]);
  } else {
    short = body.text;
  }
  let count = 0;
  for (const session of sessions) {
    if (!session.bound) continue;
    const pdu = { source_addr: body.source, destination_addr: body.destination, short_message: short };
    if (body.data_coding !== undefined) pdu.data_coding = body.data_coding;
    if (udh) pdu.esm_class = 0x40;
    session.deliver_sm(pdu);
    count += 1;
  }
  return count;
}

const control = http.createServer((req, res) => {
  let data = '';
  req.on('data', (chunk) => { data += chunk; });
  req.on('end', () => {
    const body = data ? JSON.parse(data) : {};
    let answer = {};
    if (req.method === 'GET' && req.url === '/received') answer = received;
    else if (req.method === 'GET' && req.url === '/stats') answer = { binds, received: received.length, dropped, sessions: sessions.size, enquire_links: enquireLinks };
    else if (req.url === '/reset') { received = []; mode = defaults(); dropAfter = 0; }
    else if (req.url === '/mode') { mode = { ...mode, ...body }; answer = mode; }
    else if (req.url === '/drop') { dropAfter = body.after || 1; }
    else if (req.url === '/deliver') answer = { sessions: deliver(body) };
    else { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  });
});

server.listen(Number(args['smpp-port'] || 0), '127.0.0.1', () => {
  control.listen(Number(args['http-port'] || 0), '127.0.0.1', () => {
    console.log(`READY ${server.address().port} ${control.address().port}`);
  });
});
