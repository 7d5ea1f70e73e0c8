"""warmup_cosine_lr (lesson 05): linear warmup, a cosine schedule, then the floor η_min."""

import math

from course import reference
from course.exercises import Exercise, Mistake
from course.exercises._cases import case, rng_for

R = reference.warmup_cosine_lr


def _curve(label, lr_max, lr_min, warmup, total, last):
    """Every step t = 1 … last of one schedule, one call per step."""
    return case(label, 1, lr_max, lr_min, warmup, total, steps=last, t_arg=0)


def _cases(seed=None):
    if seed is not None:
        return _drawn_cases(rng_for("warmup_cosine_lr", seed))
    return [
        case("t = 1 с разогревом: η = η_max·1/W", 1, 0.1, 0.001, 10, 100),
        case("t = W: конец разогрева, η = η_max", 10, 0.1, 0.001, 10, 100),
        case("середина косинусной фазы, t = W + (T − W)/2", 55, 0.1, 0.001, 10, 100),
        case("t = T: последний шаг расписания, η = η_min", 100, 0.1, 0.001, 10, 100),
        case("t > T: после последнего шага η = η_min", 150, 0.1, 0.001, 10, 100),
        case("без разогрева (W = 0), t = 1", 1, 0.5, 0.01, 0, 40),
        _curve("весь график при η_max = 0.2, η_min = 0.02, W = 8, T = 40: t = 1…50",
               0.2, 0.02, 8, 40, 50),
        _curve("весь график без разогрева (W = 0), η_min = 0.05, T = 30: t = 1…35",
               1.0, 0.05, 0, 30, 35),
        _curve("W = T = 5: только разогрев, затем η_min; t = 1…8", 0.3, 0.03, 5, 5, 8),
    ]


def _drawn_cases(rng):
    """The same kinds of cases as the fixed ones, with the schedule's numbers drawn."""
    def schedule():
        lr_max = round(float(rng.uniform(0.05, 1.0)), 3)
        lr_min = round(lr_max * float(rng.uniform(0.01, 0.2)), 4)
        warmup = int(rng.integers(3, 16))
        return lr_max, lr_min, warmup, warmup + int(rng.integers(20, 91))

    a, b, c, d = schedule()
    lr_max, lr_min, warmup, total = schedule()
    no_warmup = schedule()
    lr_only, _, both, _ = schedule()
    return [
        case("t = 1 с разогревом: η = η_max·1/W", 1, a, b, c, d),
        case("t = W: конец разогрева, η = η_max", c, a, b, c, d),
        case("середина косинусной фазы, t = W + (T − W)/2", c + (d - c) // 2, a, b, c, d),
        case("t = T: конец косинусной фазы, η = η_min", d, a, b, c, d),
        case("t > T: после конца расписания η = η_min", d + int(rng.integers(1, 50)), a, b, c, d),
        case("без разогрева (W = 0), t = 1", 1, no_warmup[0], no_warmup[1], 0, no_warmup[3]),
        _curve(f"весь график при η_max = {lr_max}, η_min = {lr_min}, W = {warmup}, "
               f"T = {total}: t = 1…{total + 10}", lr_max, lr_min, warmup, total, total + 10),
        _curve(f"весь график без разогрева (W = 0), η_min = {no_warmup[1]}, T = "
               f"{no_warmup[3]}: t = 1…{no_warmup[3] + 5}", no_warmup[0], no_warmup[1], 0,
               no_warmup[3], no_warmup[3] + 5),
        _curve(f"W = T = {both}: только разогрев, затем η_min; t = 1…{both + 3}", lr_only,
               round(lr_only * 0.1, 4), both, both, both + 3),
    ]


def _shifted(t, lr_max, lr_min, warmup, total):
    """The whole schedule one step late: the formulas written with t − 1 in place of t."""
    s = t - 1
    if s <= warmup:
        return lr_max * s / warmup if warmup else lr_max
    if s > total:
        return lr_min
    return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * (s - warmup)
                                                            / (total - warmup)))


def _cosine_late(t, lr_max, lr_min, warmup, total):
    """Only the cosine phase one step late, cos(π·(t − W − 1)/(T − W)); the warmup is right."""
    if t <= warmup or t > total:
        return R(t, lr_max, lr_min, warmup, total)
    return _cosine((t - warmup - 1) / (total - warmup), lr_max, lr_min)


def _no_warmup(t, lr_max, lr_min, warmup, total):
    return lr_max if t <= warmup else R(t, lr_max, lr_min, warmup, total)


def _endless_warmup(t, lr_max, lr_min, warmup, total):
    if warmup and t <= total:
        return lr_max * t / warmup
    return R(t, lr_max, lr_min, warmup, total)


def _cosine(progress, lr_max, lr_min):
    return lr_min + 0.5 * (lr_max - lr_min) * (1 + math.cos(math.pi * progress))


def _phase_over(numerator, denominator):
    """A cosine phase computed as cos(π·numerator(t, W, T)/denominator(W, T))."""
    def wrong(t, lr_max, lr_min, warmup, total):
        if t <= warmup or t > total:
            return R(t, lr_max, lr_min, warmup, total)
        return _cosine(numerator(t, warmup) / denominator(warmup, total), lr_max, lr_min)
    return wrong


def _no_lr_min(t, lr_max, lr_min, warmup, total):
    return R(t, lr_max, 0.0, warmup, total)


def _no_floor(t, lr_max, lr_min, warmup, total):
    if t > total and total > warmup:
        return _cosine((t - warmup) / (total - warmup), lr_max, lr_min)
    return R(t, lr_max, lr_min, warmup, total)


EXERCISE = Exercise(
    name="warmup_cosine_lr", lesson="05_schedules", position=1, reference=R, cases=_cases,
    outputs="η",
    # Tried in order on the first failing case: a cosine phase one step late fails first in the
    # middle of the cosine, where the whole-schedule shift gives the same value, so it comes
    # first; a whole shift already fails on the first step, where only it matches.
    mistakes=(
        Mistake("cosine_one_step_late", "косинусная фаза сдвинута на шаг позже: в косинусе стоит "
                                        "t − W − 1 вместо t − W (разогрев при этом верный), и "
                                        "η_min достигается лишь на шаге T + 1",
                _cosine_late),
        Mistake("t_from_0", "t отсчитывается от 0, как в get_cosine_schedule_with_warmup из "
                            "Hugging Face: весь график сдвинут на шаг позже (в формулах стоит "
                            "t − 1 вместо t, и с разогревом на первом шаге η = 0); в этом курсе "
                            "первый шаг — t = 1",
                _shifted),
        Mistake("warmup_from_max", "на разогреве возвращается η_max: разогрев должен начинаться "
                                   "с малого шага и линейно расти, η = η_max·t/W",
                _no_warmup),
        Mistake("warmup_never_ends", "разогрев не заканчивается на шаге W: η = η_max·t/W растёт и "
                                     "после W, хотя с шага W + 1 должна начаться косинусная фаза",
                _endless_warmup),
        Mistake("cosine_from_0", "косинусная фаза отсчитывается от 0, а не от конца разогрева: "
                                 "нужно cos(π·(t − W)/(T − W))",
                _phase_over(lambda t, w: t, lambda w, total: total - w)),
        Mistake("cosine_over_T", "косинусная фаза считается как cos(π·t/T), без учёта "
                                 "разогрева; нужно cos(π·(t − W)/(T − W))",
                _phase_over(lambda t, w: t, lambda w, total: total)),
        Mistake("lr_min_ignored", "η_min не учитывается: косинус опускается до нуля, а должен — "
                                  "до η_min (η = η_min + ½(η_max − η_min)(1 + cos …)), и "
                                  "после T должно оставаться η_min",
                _no_lr_min),
        Mistake("no_floor_after_T", "после шага T косинус продолжается и η снова растёт; "
                                    "при t > T должно быть η = η_min",
                _no_floor),
    ))
