"""The similarity section of report.html, in Russian: the pairs worth a look, each with the
matching regions highlighted side by side. Everything a student wrote (names, code, answers,
outputs) is HTML-escaped: a submission is data and nothing in it may run in the browser."""

from html import escape

from course.pipeline.similarity import CSV, describe, scoring
from course.russian import plural

INTRO = ("Пары работ, у которых общего больше, чем обычно бывает у независимых решений. "
         "Учитывается только то, что в группе встречается редко: заготовки урока, эталонные "
         "решения и фрагменты, общие для многих студентов, веса не имеют. Это совпадения, на "
         "которые стоит посмотреть, а не вывод о нечестности: короткий ответ, общий источник "
         "или совместный разбор задачи дают похожие работы. Решает преподаватель, посмотрев "
         "на сами работы.")
PAIR_STYLE = "display:grid;grid-template-columns:1fr 1fr;gap:.5em"
PRE_STYLE = "white-space:pre-wrap;background:#f6f6f6;padding:.4em;margin:0;font-size:90%"


def marked(body, spans):
    """``body`` as escaped HTML with the ``spans`` [(start, end)] in <mark>."""
    merged = []
    for start, end in sorted(spans):
        start, end = max(0, start), min(end, len(body))
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        elif start < end:
            merged.append([start, end])
    out, at = [], 0
    for start, end in merged:
        out.append(escape(body[at:start]) + "<mark>" + escape(body[start:end]) + "</mark>")
        at = end
    return "".join(out) + escape(body[at:])


def _side(work, spots, part):
    if part not in spots:
        return "<div>—</div>"
    found = work.parts[part]
    return (f"<div><b>{escape(work.student)}: {escape(found.title)}</b>"
            f'<pre style="{PRE_STYLE}">{marked(found.text, spots[part])}</pre></div>')


def _pair(result, pair):
    first, second = result.works[pair.student_a], result.works[pair.student_b]
    spots = scoring.shared(first, second, result.weight)
    parts = sorted(set(spots[0]) | set(spots[1]))
    rows = "".join(f'<div style="{PAIR_STYLE}">{_side(first, spots[0], part)}'
                   f"{_side(second, spots[1], part)}</div>" for part in parts)
    return f"<details><summary>{escape(describe(pair))}</summary>{rows}</details>"


def _lesson(result, shown):
    look = result.worth_a_look()
    head = (f"<h3>Урок {escape(result.lesson)}: "
            f"{plural(len(result.works), 'работа', 'работы', 'работ')}, "
            f"{plural(len(look), 'пара', 'пары', 'пар')} с весом от {result.threshold:.1f}</h3>")
    notes = "".join(f"<p>{escape(note)}.</p>" for note in result.notes)
    if not look:
        return head + notes + "<p>Пар, на которые стоит посмотреть, нет.</p>"
    more = (f"<p>Показаны первые {len(look[:shown])}; остальные — в {CSV}.</p>"
            if len(look) > shown else "")
    return head + notes + "".join(_pair(result, pair) for pair in look[:shown]) + more


def section(results, shown):
    """The HTML of the section for the compared lessons (``Result``s)."""
    return (f'<h2>Совпадения, на которые стоит посмотреть <a href="{CSV}">({CSV})</a></h2>\n'
            f"<p>{INTRO}</p>\n" + "\n".join(_lesson(result, shown) for result in results))
