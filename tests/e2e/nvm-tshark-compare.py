#!/usr/bin/env python3
# tests/e2e/nvm-tshark-compare.py: compare nvm-dump's JSON lines with tshark's decode. Runs in: make check.
# Usage: nvm-tshark-compare.py TSHARK.json NVM-DUMP.jsonl ; exit 0 when every field agrees.
import json
import sys
from datetime import datetime, timezone

# tshark's names for the IANA elements NVM uses, and how to turn its text into our value
STD = {
    'cflow.protocol': (4, int),
    'cflow.srcaddr': (8, str),
    'cflow.srcport': (7, int),
    'cflow.dstaddr': (12, str),
    'cflow.dstport': (11, int),
    'cflow.srcaddr_v6': (27, str),
    'cflow.dstaddr_v6': (28, str),
    'cflow.virtual_station_name': (350, str),
}


def tshark_time(text):
    # "Apr  5, 2017 03:26:13.000000000 UTC"
    base = text.split('.')[0]
    return int(datetime.strptime(' '.join(base.split()), '%b %d, %Y %H:%M:%S')
               .replace(tzinfo=timezone.utc).timestamp())


def as_list(v):
    return v if isinstance(v, list) else [v]


def tshark_sets(frames):
    for fr in frames:
        cflow = fr['_source']['layers'].get('cflow')
        if cflow is None:
            continue
        for key, s in cflow.items():
            if key.startswith('Set '):
                yield cflow, s


def tshark_templates(frames):
    out = {}
    for cflow, s in tshark_sets(frames):
        for key, t in s.items():
            if not key.startswith('Template ('):
                continue
            fields = []
            for fk, f in t.items():
                if not fk.startswith('Field ('):
                    continue
                pen = int(f.get('cflow.template_ipfix_field_pen', 0))
                ie = f.get('cflow.template_cisco_field_type') if pen == 9 else None
                if ie is None:
                    ie = next(v for k, v in f.items() if k.endswith('field_type'))
                fields.append([pen, int(ie), int(f['cflow.template_field_length'])])
            out[(int(cflow['cflow.od_id']), int(t['cflow.template_id']))] = fields
    return out


def tshark_flows(frames):
    for cflow, s in tshark_sets(frames):
        if int(s['cflow.flowset_id']) < 256:
            continue
        for key, flow in s.items():
            if key.startswith('Flow '):
                yield int(cflow['cflow.od_id']), int(s['cflow.flowset_id']), flow


def compare_flow(tf, rec, errors, where):
    ours = {(f['pen'], f['id']): f for f in rec['fields']}
    checked = 0
    for name, (ie, conv) in STD.items():
        if name in tf:
            got = ours.get((0, ie), {}).get('value')
            if conv(tf[name]) != got:
                errors.append(f'{where}: {name}: tshark {tf[name]!r}, ours {got!r}')
            checked += 1
    tree = tf.get('cflow.timedelta_tree', {})
    for name, ie in (('cflow.abstimestart', 150), ('cflow.abstimeend', 151)):
        if name in tree:
            got = ours.get((0, ie), {}).get('value')
            if tshark_time(tree[name]) != got:
                errors.append(f'{where}: {name}: tshark {tree[name]!r}, ours {got!r}')
            checked += 1
    theirs = [x.replace(':', '') for x in as_list(tf.get('cflow.enterprise_private_entry', []))]
    mine = [f['hex'] for f in rec['fields'] if f['pen'] != 0]
    if theirs != mine:
        for i, (a, b) in enumerate(zip(theirs, mine)):
            if a != b:
                errors.append(f'{where}: enterprise field #{i}: tshark {a[:40]}.., ours {b[:40]}..')
        if len(theirs) != len(mine):
            errors.append(f'{where}: {len(theirs)} enterprise fields in tshark, {len(mine)} ours')
    return checked + len(theirs)


def main():
    frames = json.load(open(sys.argv[1]))
    lines = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
    ours_t = {(t['template']['odid'], t['template']['tid']): t['template']['fields']
              for t in lines if 'template' in t}
    recs = [l['record'] for l in lines if 'record' in l]
    errors = []
    theirs_t = tshark_templates(frames)
    if theirs_t != ours_t:
        errors.append(f'templates differ: tshark {sorted(theirs_t)}, ours {sorted(ours_t)}')
        for k in theirs_t:
            if theirs_t[k] != ours_t.get(k):
                errors.append(f'template {k}: tshark {theirs_t[k]}, ours {ours_t.get(k)}')
    flows = list(tshark_flows(frames))
    if len(flows) != len(recs):
        errors.append(f'{len(flows)} records in tshark, {len(recs)} ours')
    checked = 0
    for i, ((odid, tid, tf), rec) in enumerate(zip(flows, recs)):
        if (odid, tid) != (rec['odid'], rec['tid']):
            errors.append(f'record {i}: tshark odid/tid {odid}/{tid}, ours {rec["odid"]}/{rec["tid"]}')
        checked += compare_flow(tf, rec, errors, f'record {i} (tid {tid})')
    for e in errors:
        print('FAIL:', e)
    print(f'{len(theirs_t)} templates, {len(recs)} records, {checked} fields compared, '
          f'{len(errors)} differences')
    return 1 if errors or checked == 0 else 0


if __name__ == '__main__':
    sys.exit(main())
