"""Claims of lesson 3 (see tests/test_claims.py): quote of the prose -> expressions that hold
in the kernel after the source notebook has run; exemptions with their reasons."""

from claims._reasons import DEFINITION, SET_UP, SUMMARY, TASK

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

def rotated_after(degrees, optimizer, n_steps=150):
    surface = surfaces.rotated_ravine(degrees=degrees)
    return surface.f(harness.run_2d(surface, optimizer, n_steps)[-1])

ANGLES = [10, 20, 30, 35, 40, 45, 50, 60]
ada_at = {d: rotated_after(d, optimizers.adagrad(adagrad_update, lr=2.0)) for d in ANGLES}
gd_at = {d: rotated_after(d, optimizers.sgd(sgd_update, 0.45)) for d in ANGLES}

def scaled_kappa(degrees):
    # condition number of D^(-1/2) A D^(-1/2), D = diag(A), for the ravine turned by degrees
    phi = np.radians(degrees)
    R = np.array([[np.cos(phi), -np.sin(phi)], [np.sin(phi), np.cos(phi)]])
    A = R @ np.diag([0.2, 4.0]) @ R.T
    D = np.diag(1 / np.sqrt(np.diag(A)))
    lam = np.linalg.eigvalsh(D @ A @ D)
    return lam.max() / lam.min()

def adagrad_first_step(g, eps):
    return abs(adagrad_update(np.zeros(1), np.array([g]), np.zeros(1), 1.0, eps)[0][0])
"""

SET_UP_CELLS = {"cell-14", "cell-16", "cell-28"}

LIBRARY = ("a library's convention, read in its source (keras/src/optimizers/adagrad.py and "
           "rmsprop.py, torch/optim/adagrad.py and rmsprop.py, the tf.keras 2 docs); the "
           "libraries are not installed where the claims run")
CITED = "cites Duchi, Hazan, Singer (2011); no run measures a regret"

EXEMPT_CELLS = {
    "cell-00": "the lesson's plan", "cell-04": TASK, "cell-11": TASK,
    "adaptive-questions": TASK, "cell-34": TASK, "adaptive-question-3": TASK, "cell-36": SUMMARY,
}

EXEMPT = {
    "Возьмём **овраг** $f(x) = 0.1\\,x_1^2 + 2\\,x_2^2$ из уроков 1 и 2": DEFINITION,
    "Отсюда медленная сходимость при большом **числе обусловленности** κ = 20.": DEFINITION,
    "Градиенты разных весов отличаются на порядки": DEFINITION,
    "Качество метода — **сожаление** (regret)": DEFINITION,
    "Для градиентного спуска с шагом $\\eta_t = D_2/(G\\sqrt t)$": CITED,
    "Duchi и соавторы выбирают шаг каждой координаты так": CITED,
    "и эта оценка с точностью до постоянного множителя не хуже": CITED,
    "Выигрыш\nбольше всего на **редких признаках**": (
        "reads the bound; the rare-feature advantage itself is measured in 3.6"),
    "$G$ только растёт. Пусть": DEFINITION,
    "эффективный шаг убывает как $1/\\sqrt t$.": (
        "derived; measured as «**AdaGrad** точно следует $1/\\sqrt t$» in 3.2"),
    "Хуже всего, когда функция потерь\nне выпукла": DEFINITION,
    "Большие градиенты\nначала обучения навсегда остаются в $G$": DEFINITION,
    "Hinton, курс лекций 2012 года) заменяет сумму": DEFINITION,
    "Поэтому $s$ — это средний квадрат градиента": DEFINITION,
    "Если\nградиенты становятся меньше, $s$ за несколько раз": (
        "derived; measured in 3.2 («шаг возвращается к η примерно за полсотни шагов»)"),
    "Ещё одна деталь: $s_0 = 0$, поэтому в начале $s$ занижено": (
        "derived; measured in 3.2 («в 3.16 раза больше η при ρ = 0.9 и в 10 раз при ρ = 0.99»)"),
    "| Keras 3 (`keras.optimizers`) |": LIBRARY,
    "| PyTorch (`torch.optim`) |": LIBRARY,
    "| tf.keras 2.x (до TF 2.11, потом `tf.keras.optimizers.legacy`) |": LIBRARY,
    "**Накопители были локальными переменными.**": DEFINITION,
    "Тогда шаг в $m$ раз меньше задуманного": DEFINITION,
    "Подадим в ваши функции градиент одной координаты": SET_UP,
    "**Предскажите, прежде чем запускать:**": TASK,
    "Что\nстанет с шагом AdaGrad и с шагом RMSProp": TASK,
    "Сравним методы на овраге $0.1\\,x_1^2 + 2\\,x_2^2$, оси которого": SET_UP,
    "Параметры одинаковы на обеих поверхностях": SET_UP,
    "Сделаем 1000 шагов из точки $(-1.5, 2)$": SET_UP,
    "Линейная модель $\\hat y = w^\\top x + b$": SET_UP,
    "У SGD η одна на все веса и ограничена частыми признаками": DEFINITION,
    "У AdaGrad шаг затухает, и шум усредняется": DEFINITION,
    "Та же задача, что в уроках 1 и 2": SET_UP,
    "Обучим сеть\n150 эпох (2400 шагов)": SET_UP,
    "Добавим AdaGrad с втрое большей η.": SET_UP,
    "Но затухания она не отменяет": DEFINITION,
    "Посмотрите, при каком ε AdaGrad на овраге": TASK,
    "(Без браузера график рисуется один раз при начальных\nзначениях.)": TASK,
    "Матрица повёрнутого оврага A = R·diag(0.2, 4)·Rᵀ": DEFINITION,
    "Проиграет AdaGrad\nтам, где обучение долгое": DEFINITION,
    "G = Σg² хранит все прошлые большие градиенты": DEFINITION,
    "В этой маленькой задаче большие градиенты бывают только в первые шаги": DEFINITION,
    "Порядок важен: сначала накопитель": TASK,
}

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
        "f_after(ravine, GD, 150) / f_after(ravine, ADA, 150) >= 1e5",
    "и первые сто шагов он быстрее всех":
        "all(f_after(ravine, RMS, s) < min(f_after(ravine, GD, s), f_after(ravine, ADA, s)) "
        "for s in (25, 50, 75, 100))",
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
    # 1. theory
    "а\nдля пологой $x_1$ предел устойчивости $2/0.2 = 10$ — в 20 раз больше":
        "np.isclose((2 / 0.2) / (2 / 4), 20)",
    "за $1/(1-\\rho)$ шагов этот вес\nпадает примерно в $e$ раз":
        "all(abs(r ** (1 / (1 - r)) * np.e - 1) < 0.06 for r in (0.9, 0.99))",
    "Иначе говоря, ε под корнем действует примерно как": [
        "sqrt_ratio <= np.sqrt(2) + 1e-9", "np.all(ours >= outside_sqrt)"],
    # 3.2
    "Возврат\nдлиннее $1/(1-\\rho)$ шагов": [
        "abs(np.log(100) - 4.6) < 0.01", "lengths['RMSProp, ρ = 0.9'][100 + 10] < 0.5"],
    # 3.3
    "из $x_2 = 2$ в $x_2 = -1$": [
        "np.allclose(ravine_paths[AXES][RMS][1], [-6.0, -1.0], atol=1e-6)",
        "np.allclose(np.abs(ravine_paths[AXES][RMS][1] - ravine_paths[AXES][RMS][0]), 3.0)"],
    "у самого минимума, где $f$ уже меньше $10^{-25}$, RMSProp снова раскачивается": [
        "min(ravine.f(p) for p in ravine_paths[AXES][RMS]) < 1e-25",
        "1e-18 < f_after(ravine, RMS, 150) < 1e-16",
        "f_after(ravine, RMS, 150) < min(f_after(ravine, ADA, 150), f_after(ravine, GD, 150))"],
    "Там, где градиент шумит, постоянная η мешает RMSProp по-настоящему":
        "min(rare_errors[RMS_S][-300:]) > 0.8 * min(rare_errors[RMS_S])",
    "На гладкой задаче это почти не вредит": "f_after(ravine, RMS, 150) < 1e-15",
    # 3.5
    "Первые шаги AdaGrad приходятся на крутую стенку: градиенты там порядка сотен": [
        "100 < np.max(np.abs(rosen.grad(rosen_paths['AdaGrad (η = 0.5)'][0]))) < 1000"],
    # 3.7 network
    "Параметры AdaGrad (η = 0.1) и\nRMSProp (η = 0.01, ρ = 0.99) подобраны так": (
        "abs(net_steps[ADA1][15] / net_steps[RMS_N][15] - 1) < 0.1"),
    # model answers
    "При\nφ = 10° вне диагонали 3.8·sin10°·cos10° ≈ 0.65": [
        "abs(3.8 * np.sin(np.radians(10)) * np.cos(np.radians(10)) - 0.65) < 0.005",
        "abs(0.2 * np.cos(np.radians(10)) ** 2 + 4 * np.sin(np.radians(10)) ** 2 - 0.31) < 0.005",
        "abs(0.2 * np.sin(np.radians(10)) ** 2 + 4 * np.cos(np.radians(10)) ** 2 - 3.9) < 0.02"],
    "(проверка: после 150 шагов f ≈ 10⁻¹⁷ у\nAdaGrad против ≈ 3·10⁻¹² у градиентного спуска)": [
        "1e-18 < ada_at[10] < 1e-16", "2e-12 < gd_at[10] < 4e-12"],
    "По теории хуже всего при 45°": [
        "abs(scaled_kappa(45) - 20) < 1e-9",
        "all(scaled_kappa(d) < scaled_kappa(45) for d in (10, 20, 30, 35, 40, 50, 60))"],
    "преимущество пропадает уже к 20°": [
        "1e-12 < ada_at[20] < 1e-10 and ada_at[20] > gd_at[20]",
        "all(2e-12 < v < 5e-12 for v in gd_at.values())"],
    "при углах от 30° до 60° он кончает между 10⁻¹⁰ и 10⁻⁵": [
        "all(1e-10 < ada_at[d] < 1e-5 for d in (30, 35, 40, 45, 50, 60))",
        "all(ada_at[d] > 100 * gd_at[d] for d in (30, 35, 40, 45, 50, 60))"],
    "(при 45° f ≈ 10⁻⁷, а при 60° — ≈ 6·10⁻⁶)": [
        "5e-8 < ada_at[45] < 5e-7", "5e-6 < ada_at[60] < 7e-6", "ada_at[60] > ada_at[45]"],
    "Масштаб градиента AdaGrad обычно сокращается, но ε его нарушает": [
        "abs(adagrad_first_step(1e-6, 1e-8) - 0.01) < 1e-4",
        "abs(adagrad_first_step(1e-6, 1e-8) / 1e-6 - 1e4) < 100"],
    "ε нужно уменьшить в 10¹² раз": [
        "abs(adagrad_first_step(1e-6, 1e-20) - adagrad_first_step(1.0, 1e-8)) < 1e-6"],
    "ε = 10⁻⁸ под корнем ≈ ε' = 10⁻⁴ вне корня": "sqrt_ratio <= np.sqrt(2) + 1e-9",
    "при η = 0.1 он при одном из зёрен не дошёл до L < 0.01 за 150 эпох":
        "np.sum(np.isnan(reach[ADA1])) == 1",
    "и втрое большая η просто заранее компенсирует затухание":
        "np.all(np.isfinite(reach[ADA3]))",
}
