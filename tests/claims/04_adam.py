"""Claims of lesson 4 (see tests/test_claims.py): quote of the prose -> expressions that hold
in the kernel after the source notebook has run."""

SETUP = """
ratio = first / np.sqrt(second + eps)          # step without correction, in units of η
theory = (1 - beta1 ** steps) / np.sqrt(1 - beta2 ** steps)  # the same for a constant gradient
corr = {name: run["loss"] for name, run in correction_runs.items()}
WITH, WITHOUT = "η = 0.3, с коррекцией", "η = 0.3, без коррекции"
R = plane_results

def first_step(name):
    return np.abs(plane_paths['овраг'][name][1] - plane_paths['овраг'][name][0])

gd_3e3 = harness.run_2d(surfaces.rosenbrock(), optimizers.sgd(sgd_update, 3e-3), 1000)
"""

SET_UP_CELLS = {"cell-09", "cell-17", "cell-19"}

CLAIMS = {
    # 3.1 bias correction
    "в 3.2 раза при $t = 1$, до 6.5 раза около $t = 12$, всё ещё вдвое при $t = 300$)": [
        "abs(theory[0] - 3.16) < 0.01 and abs(ratio[0] - 3.16) < 0.05",
        "6.4 < theory.max() < 6.6 and 11 <= int(np.argmax(theory)) + 1 <= 13",
        "1.9 < theory[299] < 2.1",
        "abs(np.median(ratio[250:350] / theory[250:350]) * np.sqrt(1.25) - 1) < 0.1"],
    "С коррекцией оценки с первого шага близки к истинным значениям, а шаг — к η":
        "np.all(np.abs(first_hat / np.sqrt(second_hat + eps) - 1) < 0.6)",
    # 3.2 without correction on the network, 5 seeds
    "с настоящим шагом в 2–6.5 раза": "1.9 < theory[299] and theory.max() < 6.6",
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
    "Сравним её с вашей функцией на шаге $t = 5$": "np.max(np.abs(w_yours - w_paper)) < 1e-12",
    # 4.2 planes
    "первый шаг AdaGrad и Adam идёт по диагонали: он равен $\\eta\\cdot\\operatorname{sign}(g)$": [
        "np.allclose(first_step('AdaGrad'), 2.0)",
        "np.allclose(first_step('Adam'), 0.3, rtol=1e-4)"],
    "но втрое длиннее: $\\eta/\\sqrt{1-\\rho} \\approx 3.16\\,\\eta$ при ρ = 0.9":
        "np.allclose(first_step('RMSProp'), 0.1 / np.sqrt(0.1), rtol=1e-4)",
    "за 100 шагов остаются от него дальше всех":
        "min(R['овраг']['RMSProp'], R['овраг']['Adam']) > "
        "max(v for k, v in R['овраг'].items() if k not in ('RMSProp', 'Adam'))",
    "сходятся быстрее всех, на много порядков лучше SGD": [
        "max(R['овраг']['метод импульса'], R['овраг']['метод Нестерова']) < "
        "min(v for k, v in R['овраг'].items() if k not in ('метод импульса', 'метод Нестерова'))",
        "R['овраг']['метод импульса'] < 1e-6 * R['овраг']['SGD']"],
    "SGD, метод импульса и метод Нестерова не замечают поворота":
        "all(0.5 < R['овраг'][m] / R['повёрнутый овраг'][m] < 2 "
        "for m in ('SGD', 'метод импульса', 'метод Нестерова'))",
    "он кончает на шесть порядков хуже, чем на исходном овраге, — хуже SGD": [
        "R['повёрнутый овраг']['AdaGrad'] > 1e5 * R['овраг']['AdaGrad']",
        "R['повёрнутый овраг']['AdaGrad'] > R['повёрнутый овраг']['SGD']"],
    "RMSProp и Adam на повёрнутом овраге оказались даже ближе к минимуму, чем на исходном":
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
    "у Adam он самый широкий: четыре значения сетки, от 0.03 до 1": [
        "len(working['Adam']) == max(len(v) for v in working.values())",
        "len(working['Adam']) > max(len(v) for k, v in working.items() if k != 'Adam')",
        "{0.03, 0.1, 0.3, 1.0} <= set(working['Adam'])"],
    "У SGD рабочее значение в этой сетке одно, 0.3": [
        "working['SGD'] == [0.3]", "median_loss['SGD'][4] > 0.05",
        "not np.isfinite(median_loss['SGD'][6]) or median_loss['SGD'][6] > 1e2"],
    "сходят с полки уже при η = 0.1":
        "median_loss['метод импульса'][4] < 0.05 and median_loss['метод Нестерова'][4] < 0.05",
    "Метод Нестерова уже при η = 0.3 учится хуже метода импульса": [
        "median_loss['метод Нестерова'][5] > 0.05 > median_loss['метод импульса'][5]"],
    "а при η = 1 разваливается": "not median_loss['метод Нестерова'][6] < 1e2",
    "AdaGrad, наоборот, нуждается в большом η":
        "best_lr['AdaGrad'] >= 0.3 and median_loss['AdaGrad'][3] > 0.1",
    # 4.4 epochs and time
    "SGD — лишь к концу обучения":
        "np.median(np.argmax(best_runs['SGD']['loss'] < 0.1, axis=1)) > 10",
    "в сетях он требует точного выбора η (одно рабочее значение в нашей сетке)":
        "len(working['SGD']) == 1",
    "самый дорогой дороже самого дешёвого меньше чем вдвое":
        "max(step_costs.values()) < 2 * min(step_costs.values())",
}
