"""Claims of lesson 1 (see tests/test_claims.py): quote of the prose -> expressions that hold
in the kernel after the source notebook has run; exemptions with their reasons."""

from claims._reasons import DEFINITION, SET_UP, SUMMARY, TASK, TIME

SETUP = """
def f_at_end(name):
    return values[name][-1]

def median_final(run):
    return np.median(run["loss"][:, -1])

def first_epoch_below(run, level):
    return np.array([np.argmax(row < level) if (row < level).any() else np.inf
                     for row in run["loss"]])

def best_rate(kappa):
    # min over η of the worst factor max|1 − ηλ| for λ in {1, κ}, on a fine grid
    etas = np.linspace(1e-4, 2 / kappa, 200001)
    return np.min(np.maximum(np.abs(1 - etas), np.abs(1 - etas * kappa)))

def steps_to(rate, factor=1e6):
    return np.log(factor) / -np.log(rate)
"""

SET_UP_CELLS = {"cell-27", "cell-31", "sgd-explorer-intro", "sgd-rate-intro"}


EXEMPT_CELLS = {
    "cell-00": "the lesson's plan",
    "cell-18": TASK, "cell-41": TASK, "cell-43": TASK, "sgd-question-3": TASK,
    "cell-45": SUMMARY,
}

EXEMPT = {
    "показывает направление самого быстрого роста $L$, поэтому шаг против градиента": DEFINITION,
    "При большом η приближение перестаёт работать и потери могут расти": DEFINITION,
    "Спуск сходится, только если $|1 - \\eta\\lambda| < 1$ для всех λ": DEFINITION,
    "Когда κ велико, линии уровня вытянуты в узкий **овраг**": DEFINITION,
    "Это несмещённая, но шумная оценка градиента": DEFINITION,
    "так каждый объект используется ровно один раз за эпоху": DEFINITION,
    "Шум SGD не даёт методу остановиться точно в минимуме.": DEFINITION,
    "Простая модель: одна координата": DEFINITION,
    "Уменьшить дрожание можно, уменьшив η, но тогда медленнее и спуск.": DEFINITION,
    "Первое слагаемое — путь от старта": DEFINITION,
    "Наилучшая постоянная η при заданном $T$ уравнивает их": DEFINITION,
    "Для выпуклых задач с одной лишь оценкой $G$ это лучший возможный порядок": (
        "cites the lower bound (Nemirovski and Yudin) and the strongly convex rate; "
        "the 1/√T order itself is measured in 4.6"),
    "Элемент $Z_{ij} = \\sum_k W_{ik}A_{kj} + b_i$": DEFINITION,
    "Увеличить η выше 0.5 нельзя": "the bound 2/λ_max derived in section 1; η = 0.52 is run "
                                   "and checked in 4.1",
    "Но шаги с маленьким батчем дороже в пересчёте на объект": TIME,
    "Поэтому по времени до $L < 0.05$ быстрее всех батчи средней величины": TIME,
    "Секунды зависят от компьютера": TIME,
    "Возьмём мини-батчи по 32 объекта": SET_UP,
    "Проверим формулу из раздела 1 на модели": SET_UP,
    "Сделаем вашей `sgd_update` по 4000 шагов": SET_UP,
    "**Предскажите, прежде чем запускать:**": TASK,
    "Значит, дрожание нельзя убрать, лишь немного уменьшив η": DEFINITION,
    "С постоянным η SGD к концу обучения «дрожит» около минимума": SET_UP,
    "(за эпоху с батчами по 8 их 64)": "arithmetic of the set-up: 512 objects / 8",
    "(за первые 10 эпох η уменьшается меньше чем вдвое)": "arithmetic of the schedule's formula",
    "Собственные числа 1 и 100, κ = 100.": DEFINITION,
    "худший из двух множителей, max(|1 − η|, |1 − 100η|)": DEFINITION,
    "В модели избыток потерь ≈ ησ²/4": DEFINITION,
    "Для мини-батча из b объектов σ² ≈ σ₁²/b": DEFINITION,
    "Цена разная: с вдвое меньшей η каждый шаг вдвое короче": DEFINITION,
    "Поэтому на практике к концу обучения уменьшают η": DEFINITION,
    "Не прав: по одному запуску нельзя отличить": DEFINITION,
    "Нужно повторить запуск с несколькими зёрнами": DEFINITION,
}

CLAIMS = {
    # 1. theory, checked by computation or by the experiments that measure it
    "Лучшее, чего можно добиться\nодной η, — множитель": [
        "abs(best_rate(20) - 19 / 21) < 1e-4", "abs(best_rate(100) - 99 / 101) < 1e-4"],
    "так что число шагов до заданной точности растёт пропорционально κ":
        "0.9 < (steps_to(99 / 101) / steps_to(19 / 21)) / (100 / 20) < 1.1",
    "**дисперсия** весов около минимума и **избыток потерь**": [
        "np.all(np.abs(np.median(jitter_rms, axis=0) / theory_rms - 1) < 0.1)",
        "np.all((rms_ratio ** 2 > 3.3) & (rms_ratio ** 2 < 5.7))"],
    "Чтобы уменьшить её в 10 раз, нужно в 100 раз больше шагов": [
        "np.isclose(rate_bound[0] / rate_bound[2], 10)",
        "7 < np.median(rate_gaps[:, 0]) / np.median(rate_gaps[:, 2]) < 14"],
    # 4.1 ravine
    "При η = 0.05 метод плавно спускается к дну оврага — координата $x_2$ ни разу не меняет знак":
        "np.all(paths['η = 0.05'][:, 1] > 0)",
    "за шаг $x_1$ умножается на $1 - 0.05\\cdot 0.2 = 0.99$":
        "np.isclose(paths['η = 0.05'][1, 0] / paths['η = 0.05'][0, 0], 0.99)",
    "метод на каждом шаге перескакивает на другую стенку, и эти скачки почти не затухают": [
        "np.all(paths['η = 0.49'][1:, 1] * paths['η = 0.49'][:-1, 1] < 0)",
        "abs(paths['η = 0.49'][-1, 1] / paths['η = 0.49'][0, 1]) > 0.05",
        "np.isclose(paths['η = 0.49'][1, 1] / paths['η = 0.49'][0, 1], -0.96)"],
    "Лучшее из трёх значений — η = 0.3":
        "f_at_end('η = 0.3') < min(f_at_end('η = 0.05'), f_at_end('η = 0.49'))",
    "скачки гаснут за пару шагов": [
        "abs(paths['η = 0.3'][3, 1]) < 0.01 * abs(paths['η = 0.3'][0, 1])",
        "np.isclose(paths['η = 0.3'][1, 0] / paths['η = 0.3'][0, 0], 0.94)"],
    "К шагу 60 при η = 0.3 значение функции на порядок меньше, чем при η = 0.05 и η = 0.49":
        "f_at_end('η = 0.3') * 10 <= min(f_at_end('η = 0.05'), f_at_end('η = 0.49'))",
    "а при η = 0.52 оно растёт": [
        "ravine.f(diverging[-1]) > ravine.f(diverging[0])",
        "np.isclose(abs(diverging[1, 1] / diverging[0, 1]), 1.08)"],
    # 4.2 batch size, 5 seeds
    "около $L \\approx 0.33$ потери долго почти не меняются":
        "np.all(np.abs(np.median(batch_runs['b = 512']['loss'][:, 10:], axis=0) - 0.34) < 0.05)",
    "сеть уже выучила\nзависимость от $x_1$, но ещё не «нашла» зависимость от $x_2$":
        "np.all(batch_runs['b = 512']['loss'][:, -1]"
        " < np.median(batch_runs['b = 512']['loss'][:, 0]))",
    "за 30 эпох с полки не сходит ни при одном зерне":
        "np.all(batch_runs['b = 512']['loss'][:, -1] > 0.3)",
    "$b = 64$ (8 шагов за эпоху) сходит с неё лишь частично": [
        "0.05 < median_final(batch_runs['b = 64']) < 0.3",
        "len(batches_of(64)(512, np.random.default_rng(0))) == 8"],
    "при\nвсех пяти зёрнах сеть уходит с полки: с $b = 4$ — за 2–3 эпохи, с $b = 16$ — за 5–13": [
        "set(first_epoch_below(batch_runs['b = 4'], 0.2)) <= {2, 3}",
        "first_epoch_below(batch_runs['b = 16'], 0.2).min() == 5",
        "first_epoch_below(batch_runs['b = 16'], 0.2).max() == 13",
        "np.all(batch_runs['b = 16']['loss'][:, -1] < 0.05)",
        "np.all(batch_runs['b = 4']['loss'][:, -1] < 0.05)"],
    "Число шагов за эпоху от зерна не зависит, а от размера батча — сильно": [
        "len({len(batches_of(1)(512, np.random.default_rng(s))) for s in range(5)}) == 1",
        "len(batches_of(1)(512, np.random.default_rng(0))) == 512",
        "len(batches_of(16)(512, np.random.default_rng(0))) == 32"],
    "разброс потерь на последних эпохах у $b = 1$ вдвое больше, чем у $b = 16$":
        "1.8 < np.median(np.std(np.log(batch_runs['b = 1']['loss'][:, -10:]), axis=1)) / "
        "np.median(np.std(np.log(batch_runs['b = 16']['loss'][:, -10:]), axis=1)) < 3",
    # 4.3 learning rate, 5 seeds
    "При η = 0.03 ни одно зерно за 30 эпох не сходит с полки":
        "np.all(lr_runs['η = 0.03']['loss'][:, -1] > 0.3)",
    "При η = 0.1 сеть сходит с полки лишь при части зёрен": [
        "np.any(lr_runs['η = 0.1']['loss'][:, -1] < 0.25)",
        "np.any(lr_runs['η = 0.1']['loss'][:, -1] > 0.3)"],
    "При η = 0.3 с полки сходят все зёрна":
        "np.all(lr_runs['η = 0.3']['loss'][:, -1] < 0.1)",
    "При η = 1 обучение не удаётся ни при одном зерне: у двух зёрен из пяти потери уходят в": [
        "np.sum(~np.isfinite(lr_runs['η = 1.0']['loss'][:, -1])) == 2",
        "lr_runs['η = 1.0']['diverged'].sum() == 2",
        "np.sum(np.isfinite(lr_runs['η = 1.0']['loss'][:, -1]) "
        "& (lr_runs['η = 1.0']['loss'][:, -1] > 100)) == 3"],
    # 4.4 jitter
    "Точки лежат на теоретической кривой":
        "np.all(np.abs(np.median(jitter_rms, axis=0) / theory_rms - 1) < 0.1)",
    "среднеквадратичное отклонение уменьшается примерно вдвое (как $\\sqrt\\eta$)": [
        "np.all((rms_ratio > 1.8) & (rms_ratio < 2.4))"],
    "а избыток потерь — примерно вчетверо (как η)":
        "np.all((rms_ratio ** 2 > 3.3) & (rms_ratio ** 2 < 5.7))",
    # 4.5 decay, 5 seeds
    "при каждом зерне потери в конце ниже, чем с постоянной η":
        "np.all(decay_runs[f'затухающая η = 0.5 / (1 + t/{tau})']['loss'][:, -1] "
        "< decay_runs['постоянная η = 0.5']['loss'][:, -1])",
    "разброс потерь на последних эпохах в несколько раз больше":
        "np.median(wobble(decay_runs['постоянная η = 0.5'])) > "
        "3 * np.median(wobble(decay_runs[f'затухающая η = 0.5 / (1 + t/{tau})']))",
    # 4.6 the 1/sqrt(T) rate, 5 seeds
    "При каждом $T$ и каждом зерне ошибка ниже оценки $DG/\\sqrt T$":
        "np.all(rate_gaps < rate_bound)",
    "в 100 раз больше шагов — ошибка примерно в 10 раз меньше":
        "7 < np.median(rate_gaps[:, 0]) / np.median(rate_gaps[:, 2]) < 14",
    "поэтому она примерно вдвое выше измеренного":
        "np.all((1.5 < rate_bound / np.median(rate_gaps, axis=0)) "
        "& (rate_bound / np.median(rate_gaps, axis=0) < 2.5))",
    # model answers
    "Множитель тогда (κ − 1)/(κ + 1) = 99/101 ≈ 0.980.": [
        "abs(best_rate(100) - 0.980) < 5e-4"],
    "n = ln 10⁶ / (−ln 0.980) ≈ 13.8 / 0.0198 ≈ 700 шагов": "680 < steps_to(99 / 101) < 710",
    "Для оврага урока (κ = 20) множитель 19/21 ≈ 0.905 и нужно ≈ 13.8/0.1 ≈ 140 шагов": [
        "abs(19 / 21 - 0.905) < 5e-4", "130 < steps_to(19 / 21) < 145"],
    "При больших κ множитель ≈ 1 − 2/κ, и число шагов растёт пропорционально κ":
        "abs((1 - 99 / 101) / (2 / 100) - 1) < 0.02",
    "Оба способа уменьшают его примерно вдвое": [
        "np.all((rms_ratio ** 2 > 3.3) & (rms_ratio ** 2 < 5.7))",
        "abs(np.sqrt(2) - 1.4) < 0.02"],
    "В опыте 4.3 при η = 0.1 часть зёрен сходит с полки за 30 эпох, часть — нет": [
        "np.any(lr_runs['η = 0.1']['loss'][:, -1] < 0.25)",
        "np.any(lr_runs['η = 0.1']['loss'][:, -1] > 0.3)"],
    "«при η = 0.1 сеть за 30 эпох сходит с полки не всегда»":
        "np.any(lr_runs['η = 0.1']['loss'][:, -1] > 0.3)",
}
