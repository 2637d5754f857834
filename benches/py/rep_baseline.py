"""Baseline of the `codegen` bench: the reference QFace parser (PyPI qface 2.0.14) and its Jinja
generator rendering one `.rep` per interface from an in-memory template equivalent to what
Qt IF's `common/interface.rep.tpl` renders (PROP/SLOT/SIGNAL lines, the type mapping of its
`return_type`/`parameter_type` filters). Rendered text is kept in memory, not written.

This is a lower bound for Qt's `ifcodegen` on the same input: ifcodegen does this and more
(annotation files, validation, several templates per interface).

Usage: python rep_baseline.py [--repeat N] FILE
Prints one line per run and `best total <seconds>s`."""
import logging, sys, time
logging.disable(logging.CRITICAL)
from qface.generator import FileSystem, Generator

TEMPLATE = """{% for s in includes %}#include "{{ s|lower }}.h"
{% endfor %}

class {{ interface.name }}
{
{% for p in interface.properties %}
{% if not p.type.is_model %}
    PROP({{ p.type|rep_type }} {{ p.name }} {{ 'READONLY' if p.readonly else '' }})
{% endif %}
{% endfor %}

{% for o in interface.operations %}
    SLOT(QVariant {{ o.name }}({{ o.parameters|join_params }}))
{% endfor %}

    SIGNAL(pendingResultAvailable(quint64 id, bool isSuccess, const QVariant &value))
{% for s in interface.signals %}
    SIGNAL({{ s.name }}({{ s.parameters|join_params }}))
{% endfor %}
};
"""

PRIMITIVES = {"string": "QString", "real": "qreal", "var": "QVariant"}


def rep_type(t):
    if t.is_void:
        return "void"
    if t.is_primitive:
        return PRIMITIVES.get(t.name, t.name)
    if t.is_list:
        return "QVariantList"
    if t.is_map:
        return "QVariantMap"
    if t.is_model:
        return "QIfPagingModel *"
    if t.is_enum or t.is_flag:
        module = t.reference.module.module_name
        name = t.reference.name + ("s" if t.is_flag else "")
        return "%s::%s" % (module[0].upper() + module[1:], name)
    return t.reference.name if t.reference else t.name


def parameter(p):
    t = p.type
    if t.is_primitive and t.name in ("string", "var"):
        return "const %s &%s" % (rep_type(t), p.name)
    if t.is_list or t.is_map or (t.is_complex and t.is_struct):
        return "const %s &%s" % (rep_type(t), p.name)
    return "%s %s" % (rep_type(t), p.name)


def join_params(params):
    return ", ".join(parameter(p) for p in params)


def includes(interface):
    seen = []
    symbols = list(interface.properties) + list(interface.signals)
    for o in interface.operations:
        symbols += list(o.parameters)
    for s in symbols:
        if s.type.is_struct and s.type.reference.name not in seen:
            seen.append(s.type.reference.name)
    return seen


def run_once(path):
    t0 = time.perf_counter()
    system = FileSystem.parse(path)
    t1 = time.perf_counter()
    generator = Generator(search_path=".")
    generator.register_filter("rep_type", rep_type)
    generator.register_filter("join_params", join_params)
    template = generator.env.from_string(TEMPLATE)
    out = 0
    for module in system.modules:
        for interface in module.interfaces:
            text = template.render(interface=interface, includes=includes(interface))
            out += len(text)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, out


args = sys.argv[1:]
repeat = 3
if args and args[0] == "--repeat":
    repeat = int(args[1])
    args = args[2:]
runs = []
for i in range(repeat):
    parse, render, size = run_once(args[0])
    runs.append(parse + render)
    print("  run %d: total %.3fs  parse %.3fs  render %.3fs  (%d bytes of .rep)" % (i + 1, parse + render, parse, render, size))
print("  best total %.3fs" % min(runs))
