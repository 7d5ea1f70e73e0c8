"""Claims of lesson 4 (see tests/test_claims.py): quote of the prose -> expressions that hold
in the kernel after the source notebook has run; exemptions with their reasons."""

from claims._reasons import DEFINITION, SET_UP, SUMMARY, TASK, TIME

SETUP = """
ratio = first / np.sqrt(second + eps)          # step without correction, in units of η
theory = (1 - beta1 ** steps) / np.sqrt(1 - beta2 ** steps)  # the same for a constant gradient
corr = {name: run["loss"] for name, run in correction_runs.items()}
WITH, WITHOUT = "η = 0.3, с коррекцией", "η = 0.3, без коррекции"
R = plane_results

def first_step(name):
    return np.abs(plane_paths['овраг'][name][1] - plane_paths['овраг'][name][0])

gd_3e3 = harness.run_2d(surfaces.rosenbrock(), optimizers.sgd(sgd_update, 3e-3), 1000)

def f_path(surface, name):
    return np.array([surfaces.ravine().f(p) if surface == 'овраг' else
                     surfaces.rotated_ravine().f(p) for p in plane_paths[surface][name]])

def without_correction(beta1, beta2, t):
    # the step without correction, in units of η, for a constant gradient
    return (1 - beta1 ** t) / np.sqrt(1 - beta2 ** t)

T = np.arange(1, 5001)

def equal_betas_longest_step(n_steps=3000):
    # your adam_update with β₁ = β₂ on gradients with rare spikes and sign changes: |Δw| / η
    rng = np.random.default_rng(0)
    grads = rng.standard_normal(n_steps) * np.where(rng.random(n_steps) < 0.02, 100.0, 0.1)
    w, m, v, longest = np.zeros(1), np.zeros(1), np.zeros(1), 0.0
    for t, g in enumerate(grads, start=1):
        new_w, m, v = adam_update(w, np.array([g]), m, v, t, 1.0, 0.95, 0.95, 1e-30)
        longest, w = max(longest, abs(new_w[0] - w[0])), new_w
    return longest

def keras_step(g, t, eps_hat=1e-7, beta1=0.9, beta2=0.999):
    m, v = (1 - beta1 ** t) * g, (1 - beta2 ** t) * g * g
    return np.sqrt(1 - beta2 ** t) / (1 - beta1 ** t) * m / (np.sqrt(v) + eps_hat)

def course_step(g, t):
    w, m, v = np.zeros(1), np.zeros(1), np.zeros(1)
    for k in range(1, t + 1):
        new_w, m, v = adam_update(w, np.array([g]), m, v, k, 1.0, 0.9, 0.999, 1e-8)
        step = abs(new_w[0] - w[0])
        w = new_w
    return step
"""

SET_UP_CELLS = {"cell-09", "cell-17", "cell-19", "adam-step-intro"}

ADVICE = "advice that sums up the comparison above, whose numbers are checked there"
LIBRARY = ("a library's convention, read in its source (torch/optim/adam.py, "
           "keras/src/optimizers/adam.py); the libraries are not installed where the claims run")

EXEMPT_CELLS = {
    "cell-00": "the lesson's plan", "cell-04": TASK, "cell-06": TASK,
    "adam-questions": TASK, "cell-33": TASK, "adam-question-3": TASK, "cell-35": SUMMARY,
    "cell-31": ADVICE,
}

EXEMPT = {
    "Скользящее среднее с коэффициентом β помнит примерно": DEFINITION,
    "Сумма весов $(1-\\beta_1)(1 + \\beta_1 + \\dots + \\beta_1^{t-1})": DEFINITION,
    "При больших $t$ множители стремятся к 1": DEFINITION,
    "В состоянии метода хранятся моменты $M$ и $V$ **без коррекции**": DEFINITION,
    "Если бы в состоянии хранились $\\hat M$ и $\\hat V$": DEFINITION,
    "**Обычный случай — шумный градиент** со средним μ и разбросом σ.": DEFINITION,
    "Причина — память $V$ о редких больших градиентах короткая": DEFINITION,
    "Исправление — **AMSGrad**": (
        "cites Reddi, Kale, Kumar (2018) for the √T regret and the libraries' amsgrad option "
        "(torch/optim/adam.py, keras/src/optimizers/adam.py); AMSGrad's convergence on the "
        "example is measured in 3.5"),
    "На практике\nв сетях AMSGrad редко заметно лучше Adam": (
        "practitioners' experience, no run in the lesson"),
    "В статье\nKingma и Ba (алгоритм 1) и в PyTorch ε стоит **вне корня**": LIBRARY,
    "Эта запись совпадает с алгоритмом 1, если": DEFINITION,
    "При крошечных градиентах\nэто разные методы": "measured in 3.3",
    "Adam без коррекции можно получить из вашей же функции": SET_UP,
    "Обучим сеть из урока 1 (512 объектов": SET_UP,
    "Посчитаем первый шаг вашей функцией": SET_UP,
    "Запустим пример из раздела 1 с $C = 3$": SET_UP,
    "AMSGrad отличается лишь тем, что делит на наибольшее из всех $V$": SET_UP,
    "Дальше\nAdaGrad, поделив шаг каждой координаты": DEFINITION,
    "Теперь тот же овраг, повёрнутый на 45°, с теми же гиперпараметрами.": SET_UP,
    "Обучим каждый метод 30 эпох при η из сетки": SET_UP,
    "Возьмём для каждого метода лучшее по медиане η из сетки": SET_UP,
    "Время — это время шагов обучения за 30 эпох": SET_UP,
    "Время 30 эпох — сотые доли секунды, и замеры шумят": TIME,
    "Поэтому цену шага мы измерили\nотдельно": TIME,
    "Шаги всех методов\nстоят одного порядка": TIME,
    "Поэтому метод, которому нужно меньше эпох, выигрывает и по времени.": TIME,
    "Для сети: лучшее η из сетки": SET_UP,
    "Разгон определяется тем, насколько √(1 − β₂ᵗ)": DEFINITION,
    "Без коррекции при постоянном градиенте шаг равен": DEFINITION,
    "За каждые три шага сумма потерь $(C - 2)\\,x$": DEFINITION,
    "Keras: шаг η_t·M_t/(√V_t + ε̂)": DEFINITION,
    "Одно η для разных методов означает разный шаг": DEFINITION,
    "Честно — сравнивать каждый метод при своём лучшем η": DEFINITION,
}

CLAIMS = {
    # 3.1 bias correction
    "в 3.2 раза при $t = 1$, до 6.5 раза около $t = 12$, всё ещё вдвое при $t = 300$)": [
        "abs(theory[0] - 3.16) < 0.01 and abs(ratio[0] - 3.16) < 0.05",
        "6.4 < theory.max() < 6.6 and 11 <= int(np.argmax(theory)) + 1 <= 13",
        "1.9 < theory[299] < 2.1",
        "abs(np.median(ratio[250:350] / theory[250:350]) * np.sqrt(1.25) - 1) < 0.1"],
    "С коррекцией оценки с первого шага близки к истинным значениям, а шаг — к η": [
        "np.all(np.abs(first_hat[:50] - 1) < 0.6)",
        "np.all(np.abs(np.sqrt(second_hat[:50]) / np.sqrt(1.25) - 1) < 0.6)",
        "np.median(np.abs(first_hat[:50] / np.sqrt(second_hat[:50] + eps)"
        " - 1 / np.sqrt(1.25))) < 0.2",
        "np.all(np.abs(first_hat / np.sqrt(second_hat + eps) - 1) < 0.6)"],
    "Без коррекции $M$ занижен примерно в $1/(1-0.9^t)$ раз, но догоняет истинное среднее": [
        "abs(np.median(first[19:30]) - 1) < 0.15", "first[0] < 0.2"],
    "в 32 раза при $t = 1$ и всё ещё заметно\nпри $t = 1000$": [
        "abs(1 / np.sqrt(1 - 0.999) - 31.6) < 0.1", "1 / np.sqrt(1 - 0.999 ** 1000) > 1.2"],
    # 3.2 without correction on the network, 5 seeds
    "делаются с шагом в 2–6.5 раза\nбольше заданного η (опыт 3.1)": [
        "1.9 < theory[299] and theory.max() < 6.6", "np.all(theory[:300] > 1.9)"],
    "С коррекцией шаг с первой итерации порядка η.":
        "np.all(np.abs(first_hat[:50] / np.sqrt(second_hat[:50] + eps)) < 2)",
    "потери без коррекции как минимум вдвое выше, чем с коррекцией (по медиане 1.2 против 0.36": [
        "np.all(corr[WITHOUT][:, 1] > 2 * corr[WITH][:, 1])",
        "abs(np.median(corr[WITHOUT][:, 1]) - 1.2) < 0.1",
        "abs(np.median(corr[WITH][:, 1]) - 0.36) < 0.04"],
    "выше даже начальных $L \\approx 0.9$": [
        "np.median(corr[WITHOUT][:, 1]) > np.median(corr[WITHOUT][:, 0])",
        "0.8 < np.median(corr[WITHOUT][:, 0]) < 1.0"],
    "от 2 до 6 нейронов скрытого слоя из 8 оказались **насыщенными**": [
        "all(2 <= saturated(p) <= 6 for p in correction_runs[WITHOUT]['params'])",
        "all(saturated(p) == 0 for p in correction_runs[WITH]['params'])"],
    "потери без коррекции по медиане в несколько раз выше, чем с коррекцией":
        "np.median(corr[WITHOUT][:, -1]) > 3 * np.median(corr[WITH][:, -1])",
    "При малом η = 0.03 тот же «разгон» не вредит":
        "np.median(correction_runs['η = 0.03, без коррекции']['loss'][:, -1]) "
        "< 1.5 * np.median(correction_runs['η = 0.03, с коррекцией']['loss'][:, -1])",
    # 3.3 eps
    "для $|g| = 10^{-6}$ равен лишь $0.01\\,\\eta$":
        "abs(np.abs(w_first)[np.argmin(np.abs(grad_sizes - 1e-6))] - 0.01) < 1e-4",
    "С ε вне корня шаг остаётся равным η вплоть до $|g| \\sim \\varepsilon = 10^{-8}$":
        "np.all((grad_sizes / (grad_sizes + 1e-8))[grad_sizes >= 1e-6] > 0.99)",
    "А запись статьи через $\\eta_t$ действительно совпадает с правилом курса.":
        "np.max(np.abs(w_yours - w_paper)) < 1e-12",
    # 4.2 planes
    "первый шаг AdaGrad и Adam идёт по диагонали: он равен $\\eta\\cdot\\operatorname{sign}(g)$": [
        "np.allclose(first_step('AdaGrad'), 2.0)",
        "np.allclose(first_step('Adam'), 0.3, rtol=1e-4)"],
    "но втрое длиннее: $\\eta/\\sqrt{1-\\rho} \\approx 3.16\\,\\eta$ при ρ = 0.9":
        "np.allclose(first_step('RMSProp'), 0.1 / np.sqrt(0.1), rtol=1e-4)",
    "Поэтому за 100 шагов оба остаются от\nминимума дальше всех.":
        "min(R['овраг']['RMSProp'], R['овраг']['Adam']) > "
        "max(v for k, v in R['овраг'].items() if k not in ('RMSProp', 'Adam'))",
    "RMSProp и Adam делают по каждой координате шаг порядка η, как бы ни был мал градиент.":
        "np.max(np.abs(np.diff(plane_paths['овраг']['Adam'][5:], axis=0))) < 3 * 0.3",
    "за 100 шагов просто не успевает дойти до минимума": [
        "np.all(np.diff(f_path('овраг', 'RMSProp'))[:99] <= 0)",
        "5e-3 < R['овраг']['RMSProp'] < 5e-2",
        "abs(plane_paths['овраг']['RMSProp'][-1, 0] + 0.36) < 0.01"],
    "Adam с η = 0.3 подходит ближе, но его $f$ убывает не монотонно": [
        "np.any(np.diff(f_path('овраг', 'Adam')[40:]) > 0)",
        "2e-4 < R['овраг']['Adam'] < 4e-4"],
    "У RMSProp причина — путь": [
        "np.all(np.diff(f_path('повёрнутый овраг', 'RMSProp')[20:]) <= 0)",
        "R['повёрнутый овраг']['RMSProp'] < R['овраг']['RMSProp']"],
    "Adam на повёрнутом овраге то подходит к минимуму, то\nотходит от него": [
        "3e-4 < np.min(f_path('повёрнутый овраг', 'Adam')[50:60]) < 5e-4",
        "8e-3 < np.max(f_path('повёрнутый овраг', 'Adam')[60:]) < 1.2e-2",
        "R['повёрнутый овраг']['Adam'] < R['овраг']['Adam']"],
    "сходятся быстрее всех, на много порядков лучше SGD": [
        "max(R['овраг']['метод импульса'], R['овраг']['метод Нестерова']) < "
        "min(v for k, v in R['овраг'].items() if k not in ('метод импульса', 'метод Нестерова'))",
        "R['овраг']['метод импульса'] < 1e-6 * R['овраг']['SGD']"],
    "SGD, метод импульса и метод Нестерова не замечают поворота":
        "all(0.5 < R['овраг'][m] / R['повёрнутый овраг'][m] < 2 "
        "for m in ('SGD', 'метод импульса', 'метод Нестерова'))",
    "он кончает на шесть порядков хуже, чем на исходном овраге, — хуже SGD": [
        "R['повёрнутый овраг']['AdaGrad'] >= 1e6 * R['овраг']['AdaGrad']",
        "R['повёрнутый овраг']['AdaGrad'] > R['повёрнутый овраг']['SGD']"],
    "RMSProp и Adam\nна повёрнутом овраге оказались даже ближе к минимуму, чем на исходном":
        "all(R['повёрнутый овраг'][m] < R['овраг'][m] for m in ('RMSProp', 'Adam'))",
    "Преимущества перед методами без адаптации у них нет ни там, ни там":
        "all(R[s][m] > R[s]['SGD'] for s in ('овраг', 'повёрнутый овраг') "
        "for m in ('RMSProp', 'Adam'))",
    "(уже при $3\\cdot10^{-3}$ он расходится)": "len(gd_3e3) < 1001",
    "Метод импульса и метод Нестерова с тем же η разгоняются вдоль дна и подходят к минимуму":
        "max(R['функция Розенброка']['метод импульса'], R['функция Розенброка']['метод Нестерова'])"
        " < 1e-3 * R['функция Розенброка']['SGD']",
    "он приходит к минимуму точнее всех":
        "R['функция Розенброка']['Adam'] == min(R['функция Розенброка'].values())",
    "выпрыгивает из оврага (до $x_2 = 3$)":
        "abs(plane_paths['функция Розенброка']['AdaGrad'][1, 1] - 3.0) < 1e-3",
    "метод застревает на полпути": "R['функция Розенброка']['AdaGrad'] > 0.3",
    "за 1000 шагов до минимума не доходит": "R['функция Розенброка']['RMSProp'] > 1e-2",
    # 4.3 eta sweep, 5 seeds
    "при слишком малом η за 30 эпох с неё не сходит ни один метод":
        "all(median_loss[m][0] > 0.3 for m in METHODS)",
    "у Adam он самый широкий: пять значений сетки, от 0.01 до 1": [
        "len(working['Adam']) > max(len(v) for k, v in working.items() if k != 'Adam')",
        "working['Adam'] == [0.01, 0.03, 0.1, 0.3, 1.0]"],
    "У SGD рабочее значение в этой сетке одно, 0.3": [
        "working['SGD'] == [0.3]", "median_loss['SGD'][4] > 0.05",
        "not np.isfinite(median_loss['SGD'][6]) or median_loss['SGD'][6] > 1e2"],
    "сходят с полки уже при η = 0.03 — их шаг примерно в $1/(1-\\gamma) = 10$ раз": [
        "min(working['метод импульса']) == 0.03 and min(working['метод Нестерова']) == 0.03",
        "median_loss['метод импульса'][2] > 0.05 and median_loss['метод Нестерова'][2] > 0.05",
        "min(working['SGD']) == 0.3"],
    "Метод Нестерова раньше и ломается: уже при η = 0.3 медиана потерь у него выше 0.05": [
        "median_loss['метод Нестерова'][5] > 0.05 > median_loss['метод импульса'][5]",
        "max(working['метод Нестерова']) < max(working['метод импульса'])"],
    "При η = 1 не работает ни один из\nтрёх методов без адаптации шага.":
        "all(not median_loss[m][6] < 0.05 for m in ('SGD', 'метод импульса', 'метод Нестерова'))",
    "AdaGrad, наоборот, нуждается в большом η":
        "best_lr['AdaGrad'] >= 0.3 and median_loss['AdaGrad'][3] > 0.1",
    "медиана потерь выше начальных $L \\approx 0.9$ или бесконечна":
        "0.8 < np.median(corr[WITH][:, 0]) < 1.0",
    # 4.4 epochs and time
    "SGD — лишь к концу обучения":
        "np.median(np.argmax(best_runs['SGD']['loss'] < 0.1, axis=1)) > 10",
    "в сетях он требует точного выбора η (одно рабочее значение в нашей сетке)":
        "len(working['SGD']) == 1",
    "Кривая RMSProp скачет": (
        "np.median(np.std(np.diff(np.log(best_runs['RMSProp']['loss'][:, 10:]), axis=1),"
        " axis=1)) > "
        "np.median(np.std(np.diff(np.log(best_runs['Adam']['loss'][:, 10:]), axis=1), axis=1))"),
    # 1. theory: the step bound and the sign, AMSGrad
    "При $t = 1$ получаем $M_1 = 0.1\\,g$ и $V_1 = 0.001\\,g^2$": [
        "abs(first[0] / noisy_grads[0] - 0.1) < 1e-9",
        "abs(second[0] / noisy_grads[0] ** 2 - 0.001) < 1e-9"],
    "И дальше шаг Adam по каждой координате обычно порядка η": [
        "np.all(np.median(noisy_steps, axis=0) <= 1.01)"],
    "**Если $\\beta_1 = \\beta_2$**": "equal_betas_longest_step() <= 1 + 1e-6",
    "$M = (1-\\beta_1)\\,g$, $V = (1-\\beta_2)\\,g^2$, и шаг равен": [
        "abs(0.1 / np.sqrt(0.001) - 3.16) < 0.01", "abs(spike_step - 3.16) < 0.05"],
    "и равенство достигается, когда градиент растёт в $\\beta_2/\\beta_1 \\approx 1.11$": [
        "abs(step_bound - 7.27) < 0.01", "abs(0.999 / 0.9 - 1.11) < 0.001",
        "step_bound - 0.1 < growing_steps.max() <= step_bound + 1e-6"],
    "Отсюда полезное прочтение Adam": [
        "abs(np.median(noisy_steps[:, 0]) - 1) < 1e-3",
        "np.all(np.median(noisy_steps, axis=0) <= 1 + 1e-6)"],
    "Итак, η в Adam задаёт типичную длину шага": "spike_step > 3 and growing_steps.max() > 7",
    "и $\\eta_t = \\eta/\\sqrt t$ уходит к $x = +1$":
        "np.mean(reddi_paths['Adam'][-300:]) > 0.95",
    # 3.4 and 3.5
    "После долгих нулей одиночный всплеск даёт шаг 3.15η": [
        "abs(spike_step - 3.15) < 0.005", "abs(growing_steps.max() - 7.25) < 0.005",
        "abs(step_bound - 7.27) < 0.005"],
    "без шума шаг ровно η — это спуск по знаку": "np.allclose(noisy_steps[:, 0], 1, atol=1e-6)",
    "при σ до 2 средний шаг в пределах 2 %": (
        "np.all(np.abs(np.median(noisy_steps[:, 1:4], axis=0) * np.sqrt(1 + sigmas[1:4] ** 2) - 1)"
        " < 0.02)"),
    "а при σ = 4 он почти вчетверо короче η, но на 14 % длиннее предсказания": [
        "3.3 < 1 / np.median(noisy_steps[:, 4]) < 4",
        "1.12 < np.median(noisy_steps[:, 4]) * np.sqrt(17) < 1.16"],
    "сам шумит с разбросом около $0.23\\,\\sigma$": "abs(np.sqrt(0.1 / 1.9) - 0.23) < 0.005",
    "Adam уходит к $x = +1$, в самую плохую точку отрезка, и остаётся там": [
        "np.all(reddi_paths['Adam'][-300:] > 0.95)"],
    "и он приходит к лучшей точке $x = -1$": "np.all(reddi_paths['AMSGrad'][-300:] < -0.95)",
    # model answers
    "При t = 1: 0.1/√0.01 = 1 — первый шаг ровно η·sign(g)":
        "abs(without_correction(0.9, 0.99, 1) - 1) < 1e-12",
    "максимум около t ≈ 13, примерно 2.1η": [
        "abs(np.argmax(without_correction(0.9, 0.99, T)) + 1 - 13) <= 1",
        "abs(without_correction(0.9, 0.99, T).max() - 2.1) < 0.05",
        "abs(without_correction(0.9, 0.99, 50) - 1.6) < 0.05",
        "abs(without_correction(0.9, 0.99, 100) - 1.26) < 0.01",
        "abs(without_correction(0.9, 0.99, 300) - 1) < 0.05"],
    "С β₂ = 0.999: первый шаг 0.1/√0.001 ≈ 3.16η, максимум ≈ 6.5η около t ≈ 12": [
        "abs(without_correction(0.9, 0.999, 1) - 3.16) < 0.01",
        "abs(without_correction(0.9, 0.999, T).max() - 6.5) < 0.1",
        "abs(np.argmax(without_correction(0.9, 0.999, T)) + 1 - 12) <= 1",
        "without_correction(0.9, 0.999, 300) > 1.9"],
    "шаг ≈ 0.316η·10⁻⁶/(3.16·10⁻⁷ + 10⁻⁷) ≈ 0.76η": "abs(keras_step(1e-5, 1) - 0.76) < 0.005",
    "При большом t: η_t ≈ η, M ≈ g, √V ≈ |g|, шаг ≈ η·10⁻⁵/(10⁻⁵ + 10⁻⁷) ≈ 0.99η.":
        "abs(keras_step(1e-5, 20000) - 0.99) < 0.005",
    "шаг η·10⁻⁵/√(10⁻¹⁰ + 10⁻⁸) ≈ 0.0995η": [
        "abs(course_step(1e-5, 1) - 0.0995) < 5e-4", "abs(course_step(1e-5, 300) - 0.0995) < 5e-4"],
    "PyTorch с ε = 10⁻⁷: при t = 1 M̂ = g, √V̂ = |g|, шаг η·10⁻⁵/(10⁻⁵ + 10⁻⁷) ≈ 0.99η.":
        "abs(1e-5 / (1e-5 + 1e-7) - 0.99) < 0.001",
    "это равносильно ε = ε̂/√(1 − β₂ᵗ) ≈ 3.2·10⁻⁶": "abs(1e-7 / np.sqrt(0.001) - 3.2e-6) < 1e-7",
    "При η = 0.01 SGD и AdaGrad просто не успевают сойти с полки, хотя при\nсвоих η (0.3 и 1)": [
        "median_loss['SGD'][2] > 0.3 and median_loss['AdaGrad'][2] > 0.3",
        "median_loss['SGD'][5] < 0.05 and median_loss['AdaGrad'][6] < 0.05"],
}
