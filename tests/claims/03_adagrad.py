"""Claims of lesson 3 (see tests/test_claims.py): quote of the prose -> expressions that hold
in the kernel after the source notebook has run."""

SETUP = """
AXES, TURNED = ravine.name, rotated.name
GD, ADA, RMS = "градиентный спуск (η = 0.45)", "AdaGrad (η = 2)", "RMSProp (η = 0.3, ρ = 0.99)"

def f_after(surface, name, step):
    return surface.f(ravine_paths[surface.name][name][step])

def rosen_distance(name):
    return np.linalg.norm(rosen_paths[name][-1] - rosen.minimum)

SGD_S, ADA_S, RMS_S = "SGD (η = 0.15)", "AdaGrad (η = 0.3)", "RMSProp (η = 0.01, ρ = 0.9)"
sparse_final = {name: run["loss"][:, -1] for name, run in sparse_runs.items()}
ADA1, ADA3, RMS_N = "AdaGrad (η = 0.1)", "AdaGrad (η = 0.3)", "RMSProp (η = 0.01, ρ = 0.99)"
reach = {name: epochs_to(run, 0.01) for name, run in net_runs.items()}
"""

SET_UP_CELLS = {"cell-14", "cell-16", "cell-28"}

CLAIMS = {
    # 3.1 eps
    "Пока $|g| \\gg \\sqrt\\varepsilon = 10^{-4}$, все записи дают первый шаг η": [
        "np.allclose(ours[:2], 1, atol=1e-4) and np.allclose(outside[:2], 1, atol=1e-4)",
        "np.allclose(outside_sqrt[:2], 1, atol=0.01)"],
    "а при $|g| = 10^{-6}$ шаг в сто раз меньше η": "abs(ours[3] - 0.01) < 1e-4",
    "запись PyTorch делает почти полный шаг вплоть до $|g| \\approx 10^{-8}$":
        "outside[3] > 0.99 and outside[4] == 0.5",
    "шаги отличаются не больше чем в $\\sqrt2$ раз": [
        "sqrt_ratio <= np.sqrt(2) + 1e-9",
        "np.all(ours >= outside_sqrt)"],
    # 3.2 step decay and memory
    "**AdaGrad** точно следует $1/\\sqrt t$":
        "np.allclose(lengths['AdaGrad'][:100], 1 / np.sqrt(t[:100]))",
    "к сотому шагу его шаг в 10 раз меньше η": "abs(lengths['AdaGrad'][99] - 0.1) < 1e-3",
    "После смены градиента шаг падает ещё в 10 раз и больше не растёт": [
        "abs(lengths['AdaGrad'][100] - 0.01) < 1e-3",
        "np.all(np.diff(lengths['AdaGrad'][100:]) <= 1e-12)"],
    "**RMSProp** при постоянном градиенте держит шаг около η":
        "abs(lengths['RMSProp, ρ = 0.9'][99] - 1) < 0.01",
    "при ρ = 0.9 (память около 10 шагов) шаг возвращается к η примерно за полсотни шагов": [
        "lengths['RMSProp, ρ = 0.9'][100 + 50] > 0.75",
        "lengths['RMSProp, ρ = 0.9'][100 + 100] > 0.95",
        "lengths['RMSProp, ρ = 0.9'][100 + 25] < 0.5"],
    "при ρ = 0.99 (память около 100 шагов) — за сотни шагов": [
        "lengths['RMSProp, ρ = 0.99'][199] < 0.5",
        "lengths['RMSProp, ρ = 0.99'][-1] < 0.9"],
    "в 3.16 раза больше η при ρ = 0.9 и в 10 раз при ρ = 0.99": [
        "abs(lengths['RMSProp, ρ = 0.9'][0] - 1 / np.sqrt(0.1)) < 1e-3",
        "abs(lengths['RMSProp, ρ = 0.99'][0] - 10) < 1e-2"],
    # 3.3 ravine along the axes and turned
    "Первый шаг AdaGrad сдвигает обе координаты ровно на η = 2": [
        "np.allclose(np.abs(ravine_paths[AXES][ADA][1] - ravine_paths[AXES][ADA][0]), 2)",
        "abs(ravine_paths[AXES][ADA][1, 1]) < 1e-6"],
    "значение функции на пять порядков меньше, чем у градиентного спуска":
        "f_after(ravine, GD, 150) / f_after(ravine, ADA, 150) > 1e4",
    "и первые сто шагов он быстрее всех":
        "all(f_after(ravine, RMS, s) < min(f_after(ravine, GD, s), f_after(ravine, ADA, s)) "
        "for s in (25, 50, 75, 100))",
    "и $f$ снова начинает расти":
        "f_after(ravine, RMS, 150) > 1e6 * min(ravine.f(p) for p in ravine_paths[AXES][RMS])",
    "RMSProp идёт почти вровень с ним, а AdaGrad заметно отстаёт": [
        "f_after(rotated, RMS, 150) < 10 * f_after(rotated, GD, 150)",
        "f_after(rotated, ADA, 150) > 1e3 * f_after(rotated, GD, 150)"],
    "Градиентный спуск на обеих поверхностях сходится одинаково":
        "0.5 < f_after(ravine, GD, 150) / f_after(rotated, GD, 150) < 2",
    # 3.4 effective step
    "У пологой координаты $x_1$ эффективный шаг в несколько раз больше, чем у крутой $x_2$":
        "all(step_history[f'{m}, пологая x₁'][-1] > 2 * step_history[f'{m}, крутая x₂'][-1] "
        "for m in ('AdaGrad (η = 2)', 'RMSProp (η = 0.3, ρ = 0.99)'))",
    "У AdaGrad эффективный шаг только уменьшается":
        "all(np.all(np.diff(step_history[f'AdaGrad (η = 2), {c}']) <= 1e-12) "
        "for c in ('пологая x₁', 'крутая x₂'))",
    "шаг замирает на постоянном уровне":
        "abs(step_history['AdaGrad (η = 2), пологая x₁'][49] "
        "- step_history['AdaGrad (η = 2), пологая x₁'][-1]) < 1e-3",
    "У RMSProp эффективный шаг уже после первых шагов начинает **расти**":
        "step_history['RMSProp (η = 0.3, ρ = 0.99), пологая x₁'][-1] > "
        "step_history['RMSProp (η = 0.3, ρ = 0.99), пологая x₁'][20]",
    # 3.5 Rosenbrock
    "AdaGrad ползёт почти так же медленно, как градиентный спуск":
        "rosen_distance('AdaGrad (η = 0.5)')"
        " > 0.8 * rosen_distance('градиентный спуск (η = 0.001)')",
    "за те же 1000 шагов подходит к минимуму в несколько раз ближе":
        "3 * rosen_distance('RMSProp (η = 0.01, ρ = 0.9)') < rosen_distance('AdaGrad (η = 0.5)')",
    # 3.6 rare features, 5 seeds
    "AdaGrad выигрывает и по функции потерь, и по точности весов при редких признаках — при всех": [
        "np.all(sparse_final[ADA_S] < np.minimum(sparse_final[SGD_S], sparse_final[RMS_S]))",
        "np.all(final_rare_errors[ADA_S] < np.minimum(final_rare_errors[SGD_S],"
        " final_rare_errors[RMS_S]))"],
    "потери у него в несколько раз ниже, чем у RMSProp, и примерно в 10 раз ниже, чем у SGD": [
        "3 < np.median(sparse_final[RMS_S]) / np.median(sparse_final[ADA_S]) < 10",
        "7 < np.median(sparse_final[SGD_S]) / np.median(sparse_final[ADA_S]) < 14"],
    "ошибка редких весов в 15 раз меньше, чем у SGD":
        "13 < np.median(final_rare_errors[SGD_S]) / np.median(final_rare_errors[ADA_S]) < 18",
    "примерно в 2.5 раза меньше, чем у SGD":
        "2 < np.median(final_rare_errors[SGD_S]) / np.median(final_rare_errors[RMS_S]) < 3",
    "но дальше она перестаёт убывать":
        "min(rare_errors[RMS_S][-300:]) > 0.8 * min(rare_errors[RMS_S])",
    # 3.7 network, 5 seeds
    "его эффективный шаг за первые эпохи падает в несколько раз и больше не растёт": [
        "net_steps[ADA1][10 * 16] < net_steps[ADA1][0] / 3",
        "np.all(np.diff(net_steps[ADA1]) <= 1e-12)"],
    "эффективный шаг растёт (справа)": "max(net_steps[RMS_N][16:]) > 1.2 * net_steps[RMS_N][15]",
    "по медиане пяти зёрен примерно вдвое":
        "1.6 < np.nanmedian(reach[ADA1]) / np.nanmedian(reach[RMS_N]) < 2.6",
    "а при одном из зёрен не доходит за 150 эпох": "np.sum(np.isnan(reach[ADA1])) == 1",
    "он доходит до $L < 0.01$ быстрее всех": [
        "np.nanmedian(reach[ADA3]) < min(np.nanmedian(reach[ADA1]), np.nanmedian(reach[RMS_N]))",
        "np.all(np.isfinite(reach[ADA3]))"],
}
