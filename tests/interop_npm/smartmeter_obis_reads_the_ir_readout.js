// SPDX-License-Identifier: MIT
// smartmeter-obis (the engine of ioBroker's smart meter adapter, a client
// we did not write) reads the IR port of klefr-meterd: D0Protocol over
// SerialRequestResponseTransport, IEC 62056-21 mode C at 300 baud 7E1,
// option select to the 9600 baud the identification offers, readout. It
// runs CYCLES request cycles (the port is closed after each readout and
// opened again for the next, and no ACK follows the readout) and checks:
//   * the identification /INM5KLEFR<model>, mode C, changeover to 9600;
//   * the identification came >= 200 ms after the sign-on, and the readout
//     >= 300 ms after the option select: smartmeter-obis switches its baud
//     rate 250 ms after the option select has drained, so anything sooner
//     would be lost on a real UART;
//   * the data sets: serial number 0.0.0, meter code 128.0.0, voltage
//     32.7.0 and current 31.7.0 of the emulator's load, and every value
//     that the klefr CLI read over IR just before (klefr read --json), the
//     energies within a tolerance (they grow between the two reads).
// Then, with serialport (the library under smartmeter-obis) alone, the way
// other widely used clients do it: close the port after the option select
// and open it again at 9600 baud REOPEN_MS later (default 200): the readout
// must still come, its first byte no sooner than 300 ms after the option
// select, with a right BCC; no ACK is sent after it. A second sign-on 2 s
// later (after the meter's 1500 ms session end) gets a new identification.
// Usage: node smartmeter_obis_reads_the_ir_readout.js --port PTY --model M
//        --serial N --voltage V --current I [--klefr-json FILE] [--cycles N]
//        [--reopen-ms MS]
'use strict';

const fs = require('fs');
const { performance } = require('perf_hooks');
const SmartmeterObis = require('smartmeter-obis');
const { SerialPort } = require('serialport');

function parseArgs(argv) {
    const a = { cycles: 2, klefrJson: null, debug: 0, reopenMs: 200 };
    for (let i = 0; i < argv.length; i++) {
        const k = argv[i];
        const v = argv[i + 1];
        switch (k) {
        case '--port': a.port = v; i++; break;
        case '--model': a.model = Number(v); i++; break;
        case '--serial': a.serial = Number(v); i++; break;
        case '--voltage': a.voltage = Number(v); i++; break;
        case '--current': a.current = Number(v); i++; break;
        case '--klefr-json': a.klefrJson = v; i++; break;
        case '--cycles': a.cycles = Number(v); i++; break;
        case '--reopen-ms': a.reopenMs = Number(v); i++; break;
        case '--debug': a.debug = 2; break;
        default: throw new Error('unknown argument ' + k);
        }
    }
    for (const k of ['port', 'model', 'serial', 'voltage', 'current']) {
        if (a[k] === undefined || Number.isNaN(a[k])) throw new Error('missing --' + k);
    }
    return a;
}

const args = parseArgs(process.argv.slice(2));
const failures = [];
function check(ok, what) {
    if (!ok) failures.push(what);
}

// OBIS code as the meter sends it, the klefr CLI's JSON name, the unit
// smartmeter-obis must report, and how far the value may move between the
// CLI's read and this one (energies grow under load; 0 = exact).
const EXPECTED = [
    ['0.0.0', 'serial_number', '', 0],
    ['128.0.0', 'meter_code', '', 0],
    ['0.2.0', 'software_version', '', 0],
    ['128.0.4', 'meter_amps', 'A', 0],
    ['128.1.1', 'baud_rate', 'Bd', 0],
    ['128.1.6', 'tariff', '', 0],
    ['F.F', 'error_code', '', 0],
    ['C.7.0', 'power_down_counter', '', 0],
    ['32.7.0', 'voltage', 'V', 0],
    ['14.7.0', 'frequency', 'Hz', 0],
    ['31.7.0', 'current', 'A', 0],
    ['1.7.0', 'active_power', 'kW', 0],
    ['9.7.0', 'apparent_power', 'kVA', 0],
    ['13.7.0', 'power_factor', '', 0],
    ['15.8.0', 'total_active_energy', 'kWh', 0.1],
    ['1.8.0', 'forward_active_energy', 'kWh', 0.1],
    ['1.8.1', 't1_forward_active_energy', 'kWh', 0.1],
    ['2.8.0', 'reverse_active_energy', 'kWh', 0.1],
    ['3.8.0', 'forward_reactive_energy', 'kvarh', 0.1],
];

// smartmeter-obis turns the letters C and F of an OBIS code into 96 and 97
// (F.F -> 97.97, C.7.0 -> 96.7.0) and may add an A-B: prefix.
function obisKey(code) {
    return code.replace(/^[0-9]+-[0-9]+:/, '').replace(/\*[0-9]+$/, '')
        .split('.').map((p) => (p === 'C' ? '96' : p === 'F' ? '97' : p)).join('.');
}

const klefr = args.klefrJson ? JSON.parse(fs.readFileSync(args.klefrJson, 'utf8')) : null;
const t0 = performance.now();
const ms = () => performance.now() - t0;

const options = {
    protocol: 'D0Protocol',
    transport: 'SerialRequestResponseTransport',
    transportSerialPort: args.port,
    transportSerialBaudrate: 300,
    // Its defaults, spelt out: 7E1 (ignored by a pty, see the wrapper).
    transportSerialDataBits: 7,
    transportSerialParity: 'even',
    transportSerialStopBits: 1,
    transportSerialMessageTimeout: 10000,
    protocolD0WakeupCharacters: 0,
    protocolD0SignOnMessage: '?',
    protocolD0DeviceAddress: '',
    // Seconds between cycles: longer than the meter's 1500 ms session end
    // after a readout that is not acknowledged.
    requestInterval: 2,
    obisNameLanguage: 'en',
    debug: args.debug,
    logger: (s) => console.error(ms().toFixed(0).padStart(6) + ' smartmeter-obis: ' + s),
};

// Time stamps of the exchange, taken at the stream: the write of each
// request, and each chunk as the serial port stream receives it from the
// pty (push() also runs while smartmeter-obis has the stream paused).
let cycle = null;
function newCycle() {
    return { signOn: null, optionSelect: null, afterSignOn: null, afterOptionSelect: null };
}

let transport;
let cycles = 0;
const errors = [];
const readouts = [];

function instrument(sp) {
    if (!sp || sp.klefrInstrumented) return;
    sp.klefrInstrumented = true;
    const write = sp.write.bind(sp);
    sp.write = function (data, ...rest) {
        const s = Buffer.isBuffer(data) ? data.toString('latin1') : String(data);
        if (s.startsWith('/')) {
            cycle = newCycle();
            cycle.signOn = ms();
        } else if (s.charCodeAt(0) === 6 && cycle) {
            cycle.optionSelect = ms();
            cycle.optionSelectText = s;
        }
        return write(data, ...rest);
    };
    const push = sp.push.bind(sp);
    sp.push = function (chunk, ...rest) {
        if (chunk && chunk.length && cycle) {
            const t = ms();
            if (cycle.optionSelect !== null) {
                if (cycle.afterOptionSelect === null) cycle.afterOptionSelect = t;
            } else if (cycle.signOn !== null && cycle.afterSignOn === null) {
                cycle.afterSignOn = t;
            }
        }
        return push(chunk, ...rest);
    };
}

function finish() {
    transport.stop(async () => {
        report();
        await sleep(2000);
        try {
            await reopenClient();
        } catch (e) {
            check(false, 'reopening client: ' + e.message);
        }
        clearTimeout(watchdog);
        for (const f of failures) console.log('FAIL: ' + f);
        if (!failures.length) console.log('pass');
        process.exit(failures.length ? 1 : 0);
    });
}

const sleep = (t) => new Promise((r) => setTimeout(r, t));

function openPort(baudRate) {
    return new Promise((resolve, reject) => {
        const p = new SerialPort({ path: args.port, baudRate, dataBits: 7, parity: 'even', stopBits: 1, autoOpen: false });
        p.open((e) => (e ? reject(e) : resolve(p)));
    });
}

function closePort(p) {
    return new Promise((resolve) => p.close(() => resolve()));
}

function writeDrained(p, text) {
    return new Promise((resolve) => p.write(text, () => p.drain(() => resolve(ms()))));
}

// Collects what the port receives until done(bytes) or the timeout; returns
// the bytes and the arrival time of the first chunk.
function receive(p, done, timeoutMs) {
    return new Promise((resolve) => {
        let bytes = Buffer.alloc(0);
        let first = null;
        const t = setTimeout(() => resolve({ bytes, first }), timeoutMs);
        p.on('data', (d) => {
            if (first === null) first = ms();
            bytes = Buffer.concat([bytes, d]);
            if (done(bytes)) {
                clearTimeout(t);
                resolve({ bytes, first });
            }
        });
    });
}

const lineDone = (b) => b.includes('\r\n');
const blockDone = (b) => { const e = b.indexOf(3); return e >= 0 && e < b.length - 1; };

async function signOn(p, what) {
    const got = receive(p, lineDone, 2500);
    const t = await writeDrained(p, '/?!\r\n');
    const r = await got;
    const text = r.bytes.toString('latin1');
    check(text === `/INM5KLEFR${args.model}\r\n`, `${what}: identification ${JSON.stringify(text)}`);
    return r.first === null ? null : r.first - t;
}

// The meter sends the readout 300 ms after the option select whether or
// not the port is open again. A port that this (busy) machine reopened
// later than that missed it through no fault of the meter: try again, at
// most three times, after the meter has ended the session.
const SWITCH_MS = 300;

async function reopenOnce() {
    let p = await openPort(300);
    const identMs = await signOn(p, 'reopening client');
    await sleep(250);
    const tSelect = await writeDrained(p, '\x06050\r\n');
    await closePort(p);
    await sleep(args.reopenMs);
    p = await openPort(9600);
    const reopened = ms() - tSelect;
    const r = await receive(p, blockDone, 3000);
    return { p, identMs, tSelect, reopened, r };
}

async function reopenClient() {
    let p, identMs, tSelect, reopened, r;
    for (let attempt = 1; ; attempt++) {
        ({ p, identMs, tSelect, reopened, r } = await reopenOnce());
        if (r.first !== null || reopened < SWITCH_MS - 20 || attempt === 3) break;
        console.log(`reopening client: port reopened ${reopened.toFixed(0)} ms after the option ` +
            `select, after the meter's ${SWITCH_MS} ms: the readout went out before; again`);
        await closePort(p);
        await sleep(3000);
    }
    const firstMs = r.first === null ? null : r.first - tSelect;
    const b = r.bytes;
    const stx = b.indexOf(2);
    const etx = b.indexOf(3);
    let bcc = 0;
    for (let i = stx + 1; i <= etx; i++) bcc ^= b[i];
    const bccOk = stx === 0 && etx > 0 && b.length === etx + 2 && b[etx + 1] === bcc;
    const text = b.toString('latin1');
    const serial = /(?:^|\n|\x02)0\.0\.0\((\d+)\)/.exec(text);
    console.log(`reopening client: identification after ${fmt(identMs)} ms, port reopened at 9600 Bd ` +
        `${reopened.toFixed(0)} ms after the option select, readout ${fmt(firstMs)} ms after it, ` +
        `${b.length} bytes, BCC ${bccOk ? 'right' : 'WRONG'}`);
    check(b.length > 0, 'reopening client: no readout after reopening the port');
    check(firstMs === null || firstMs >= 295, `reopening client: readout ${fmt(firstMs)} ms after the option select, sooner than 300 ms`);
    check(bccOk, 'reopening client: readout framing or BCC wrong: ' + JSON.stringify(text.slice(-20)));
    check(serial && Number(serial[1]) === args.serial, 'reopening client: no 0.0.0 with the serial number');
    // No ACK after the readout: the meter ends the session by itself and
    // takes a new sign-on at 300 baud.
    await closePort(p);
    await sleep(2000);
    p = await openPort(300);
    const again = await signOn(p, 'sign-on after an unacknowledged readout');
    console.log(`sign-on 2 s after the unacknowledged readout: identification after ${fmt(again)} ms`);
    await closePort(p);
}

function onData(err, result) {
    if (err) {
        errors.push(err.message);
        console.log('smartmeter-obis error: ' + err.message);
        return;
    }
    cycles++;
    const proto = transport.protocol;
    const c = cycle || newCycle();
    const readout = {
        manufacturer: proto.deviceManufacturer,
        identification: proto.deviceIdentification,
        mode: proto.commMode,
        changeover: proto.commBaudrateChangeover,
        optionSelect: c.optionSelectText,
        identMs: c.afterSignOn !== null ? c.afterSignOn - c.signOn : null,
        readoutMs: c.afterOptionSelect !== null ? c.afterOptionSelect - c.optionSelect : null,
        values: {},
    };
    for (const id of Object.keys(result)) {
        const m = result[id];
        const v = m.values[0] || { value: undefined, unit: '' };
        readout.values[obisKey(m.idToString())] = { value: v.value, unit: v.unit || '', raw: m.rawValue };
    }
    readouts.push(readout);
    console.log(`cycle ${cycles}: manufacturer ${readout.manufacturer}, identification ${readout.identification}, ` +
        `mode ${readout.mode}, changeover to ${readout.changeover} Bd, ` +
        `identification after ${fmt(readout.identMs)} ms, readout ${fmt(readout.readoutMs)} ms after the option select, ` +
        `${Object.keys(readout.values).length} data sets`);
    if (cycles === 1) {
        for (const [k, v] of Object.entries(readout.values)) {
            console.log(`  ${k.padEnd(9)} ${String(v.value)}${v.unit ? ' ' + v.unit : ''}`);
        }
    }
    if (cycles >= args.cycles) finish();
}

function fmt(x) {
    return x === null || x === undefined ? '?' : x.toFixed(0);
}

function report() {
    check(readouts.length === args.cycles,
        `${readouts.length} readouts in ${args.cycles} cycles (errors: ${errors.join('; ') || 'none'})`);
    check(errors.length === 0, 'smartmeter-obis reported errors: ' + errors.join('; '));
    readouts.forEach((r, i) => {
        const n = `cycle ${i + 1}: `;
        check(r.manufacturer === 'INM', n + `manufacturer ${r.manufacturer}, not INM`);
        check(r.identification === 'KLEFR' + args.model, n + `identification ${r.identification}, not KLEFR${args.model}`);
        check(r.mode === 'C', n + `mode ${r.mode}, not C`);
        check(r.changeover === 9600, n + `changeover to ${r.changeover}, not 9600`);
        check(r.optionSelect === '\x06050\r\n', n + 'option select ' + JSON.stringify(r.optionSelect));
        check(r.identMs !== null && r.identMs >= 195 && r.identMs <= 1600,
            n + `identification after ${fmt(r.identMs)} ms, not within 200-1500 ms`);
        check(r.readoutMs !== null && r.readoutMs >= 295 && r.readoutMs <= 1600,
            n + `readout ${fmt(r.readoutMs)} ms after the option select, not 300-1500 ms`);
        const val = (code) => r.values[obisKey(code)];
        const num = (code) => (val(code) ? Number(val(code).value) : NaN);
        check(num('0.0.0') === args.serial, n + `0.0.0 is ${num('0.0.0')}, not ${args.serial}`);
        check(num('128.0.0') === args.model, n + `128.0.0 is ${num('128.0.0')}, not ${args.model}`);
        check(num('32.7.0') === args.voltage && val('32.7.0').unit === 'V', n + `32.7.0 is ${JSON.stringify(val('32.7.0'))}`);
        check(num('31.7.0') === args.current && val('31.7.0').unit === 'A', n + `31.7.0 is ${JSON.stringify(val('31.7.0'))}`);
        check(num('1.8.0') > 0, n + `1.8.0 is ${num('1.8.0')}: no energy counted under load`);
        for (const [code, name, unit, tol] of EXPECTED) {
            const v = val(code);
            if (!v) {
                check(false, n + `no data set ${code}`);
                continue;
            }
            check(v.unit === unit, n + `${code} unit '${v.unit}', not '${unit}'`);
            if (!klefr || i > 0) continue;
            const want = klefr.values[name];
            const got = Number(v.value);
            if (want === undefined) {
                check(false, `klefr read --json has no ${name}`);
            } else if (tol === 0) {
                check(got === want, n + `${code} is ${got}, klefr read says ${name} = ${want}`);
            } else {
                check(got >= want && got - want <= tol,
                    n + `${code} is ${got}, klefr read said ${name} = ${want} just before`);
            }
        }
        if (klefr && i === 0) {
            // Same data set count as the CLI's values over IR.
            const k = Object.keys(klefr.values).length;
            const s = Object.keys(r.values).length;
            check(k === s, n + `${s} data sets, klefr read got ${k} values`);
        }
    });
    if (readouts.length >= 2) {
        const e = (r) => Number(r.values['1.8.0'] ? r.values['1.8.0'].value : NaN);
        check(e(readouts[1]) >= e(readouts[0]),
            '1.8.0 went backwards between cycles');
    }
    if (!failures.length) console.log(`smartmeter-obis: ${readouts.length} readouts right`);
}

transport = SmartmeterObis.init(options, onData);
instrument(transport.serialComm);
// A new SerialPort object is made only after a stop(); instrument it too.
const init = transport.init.bind(transport);
transport.init = function () {
    init();
    instrument(transport.serialComm);
};
transport.process();
const watchdog = setTimeout(() => {
    console.log('FAIL: timeout: ' + readouts.length + ' of ' + args.cycles + ' readouts');
    for (const e of errors) console.log('  smartmeter-obis error: ' + e);
    process.exit(1);
}, 25000 + 4000 * args.cycles);
