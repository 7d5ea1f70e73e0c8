"""A made-up class for trying the similarity report (its tests and
``benchmarks/similarity_speed.py``; never used in grading): honest students who wrote their
solutions independently (several genuinely different correct implementations of every exercise, and
mistakes no two of them share unless it is a common one), and planted copies of several kinds.
Built as notebook files from the ``release/`` notebooks, with the judge's verdicts that the
solutions would get, in a course folder like the one ``python -m course autograde`` leaves."""

import ast
import hashlib
import io
import random
import re
import textwrap
import tokenize

import nbformat

from course.lessons import ROOT, exercises
from course.pipeline import submission as records

STUB = "    # ВАШ КОД ЗДЕСЬ\n    raise NotImplementedError()"

# Correct implementations: each a function body, written as different students would.
CORRECT = {
    "minibatch_indices": [
        """order = rng.permutation(n_samples)
return [order[i:i + batch_size] for i in range(0, n_samples, batch_size)]""",
        """idx = np.arange(n_samples)
rng.shuffle(idx)
batches = []
for start in range(0, n_samples, batch_size):
    batches.append(idx[start:start + batch_size])
return batches""",
        """perm = rng.choice(n_samples, size=n_samples, replace=False)
n_batches = (n_samples + batch_size - 1) // batch_size
return [perm[k * batch_size:(k + 1) * batch_size] for k in range(n_batches)]""",
        """shuffled = rng.permutation(np.arange(n_samples))
return np.array_split(shuffled, range(batch_size, n_samples, batch_size))""",
        """rest = list(rng.permutation(n_samples))
result = []
while rest:
    result.append(np.array(rest[:batch_size]))
    rest = rest[batch_size:]
return result""",
    ],
    "forward": [
        """hidden = sigmoid(params["W1"] @ X + params["b1"])
y_hat = params["W2"] @ hidden + params["b2"]
return y_hat, hidden""",
        """W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
z = np.dot(W1, X) + b1
a = 1.0 / (1.0 + np.exp(-z))
out = np.dot(W2, a) + b2
return out, a""",
        """pre = params["W1"].dot(X) + params["b1"]
h = sigmoid(pre)
return params["W2"].dot(h) + params["b2"], h""",
        """z1 = np.matmul(params["W1"], X) + params["b1"]
act = 1 / (1 + np.exp(-z1))
pred = np.matmul(params["W2"], act) + params["b2"]
return pred, act""",
    ],
    "loss_and_grads": [
        """y_hat, hidden = forward(params, X)
m = X.shape[1]
error = y_hat - y
d_out = 2.0 / m * error
d_hidden = (params["W2"].T @ d_out) * hidden * (1.0 - hidden)
grads = {"W1": d_hidden @ X.T, "b1": d_hidden.sum(axis=1, keepdims=True),
         "W2": d_out @ hidden.T, "b2": d_out.sum(axis=1, keepdims=True)}
return float(np.mean(error ** 2)), grads""",
        """W1, b1, W2, b2 = (params[k] for k in ("W1", "b1", "W2", "b2"))
m = X.shape[1]
z = W1 @ X + b1
h = 1.0 / (1.0 + np.exp(-z))
y_hat = W2 @ h + b2
diff = y_hat - y
loss = float(np.sum(diff ** 2) / m)
dy = 2 * diff / m
dW2 = dy @ h.T
db2 = np.sum(dy, axis=1, keepdims=True)
dz = (W2.T @ dy) * h * (1 - h)
dW1 = dz @ X.T
db1 = np.sum(dz, axis=1, keepdims=True)
return loss, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}""",
        """y_hat, hidden = forward(params, X)
n_obj = y.shape[1]
r = y_hat - y
loss = float((r * r).mean())
g_out = 2.0 * r / n_obj
g_pre = np.dot(params["W2"].T, g_out) * hidden * (1.0 - hidden)
grads = {}
grads["W2"] = np.dot(g_out, hidden.T)
grads["b2"] = g_out.sum(axis=1).reshape(1, 1)
grads["W1"] = np.dot(g_pre, X.T)
grads["b1"] = g_pre.sum(axis=1).reshape(-1, 1)
return loss, grads""",
        """out, hid = forward(params, X)
count = X.shape[1]
e = out - y
delta2 = (2 / count) * e
delta1 = params["W2"].T.dot(delta2) * (hid - hid ** 2)
return float(np.mean(np.square(e))), dict(W1=delta1.dot(X.T), b1=delta1.sum(1, keepdims=True),
                                          W2=delta2.dot(hid.T), b2=delta2.sum(1, keepdims=True))""",
    ],
    "sgd_update": [
        "return w - lr * grad",
        "new_w = w - lr * grad\nreturn new_w",
        "return w - grad * lr",
        "step = lr * grad\nreturn w - step",
        "return np.subtract(w, lr * grad)",
    ],
    "momentum_update": [
        """new_velocity = gamma * velocity + lr * grad
return w - new_velocity, new_velocity""",
        """v = velocity * gamma + grad * lr
w_new = w - v
return w_new, v""",
        """velocity = gamma * velocity + lr * grad
return w - velocity, velocity""",
        """v_next = gamma * velocity
v_next = v_next + lr * grad
return w - v_next, v_next""",
        """upd = np.add(gamma * velocity, lr * grad)
return np.subtract(w, upd), upd""",
    ],
    "nesterov_update": [
        """look_ahead = w - gamma * velocity
new_velocity = gamma * velocity + lr * grad_fn(look_ahead)
return w - new_velocity, new_velocity""",
        """ahead = w - gamma * velocity
g = grad_fn(ahead)
v = gamma * velocity + lr * g
return w - v, v""",
        """v_new = gamma * velocity + lr * grad_fn(w - gamma * velocity)
return w - v_new, v_new""",
        """peek = w - velocity * gamma
grad_peek = grad_fn(peek)
new_v = velocity * gamma + grad_peek * lr
new_w = w - new_v
return new_w, new_v""",
    ],
    "adagrad_update": [
        """new_G = G + grad ** 2
return w - lr * grad / np.sqrt(new_G + eps), new_G""",
        """G_new = G + grad * grad
step = lr / np.sqrt(G_new + eps)
return w - step * grad, G_new""",
        """acc = G + np.square(grad)
w_new = w - lr * grad / (acc + eps) ** 0.5
return w_new, acc""",
        """G2 = np.add(G, grad ** 2)
denom = np.sqrt(G2 + eps)
return w - lr * (grad / denom), G2""",
    ],
    "rmsprop_update": [
        """new_s = rho * s + (1.0 - rho) * grad ** 2
return w - lr * grad / np.sqrt(new_s + eps), new_s""",
        """s_new = rho * s + (1 - rho) * grad * grad
return w - lr * grad / np.sqrt(s_new + eps), s_new""",
        """avg = s * rho + np.square(grad) * (1 - rho)
scale = np.sqrt(avg + eps)
w_new = w - lr * grad / scale
return w_new, avg""",
        """s2 = rho * s + (1.0 - rho) * (grad ** 2)
return w - (lr / np.sqrt(s2 + eps)) * grad, s2""",
    ],
    "adam_update": [
        """first = beta1 * m + (1.0 - beta1) * grad
second = beta2 * v + (1.0 - beta2) * grad ** 2
first_hat = first / (1.0 - beta1 ** t)
second_hat = second / (1.0 - beta2 ** t)
return w - lr * first_hat / np.sqrt(second_hat + eps), first, second""",
        """m_new = beta1 * m + (1 - beta1) * grad
v_new = beta2 * v + (1 - beta2) * grad * grad
m_hat = m_new / (1 - beta1 ** t)
v_hat = v_new / (1 - beta2 ** t)
w_new = w - lr * m_hat / np.sqrt(v_hat + eps)
return w_new, m_new, v_new""",
        """m1 = m * beta1 + grad * (1.0 - beta1)
v1 = v * beta2 + np.square(grad) * (1.0 - beta2)
corr1 = 1.0 - beta1 ** t
corr2 = 1.0 - beta2 ** t
return w - lr * (m1 / corr1) / np.sqrt(v1 / corr2 + eps), m1, v1""",
        """mt = beta1 * m + (1 - beta1) * grad
vt = beta2 * v + (1 - beta2) * grad ** 2
step = lr * (mt / (1 - beta1 ** t)) / np.sqrt(vt / (1 - beta2 ** t) + eps)
return w - step, mt, vt""",
    ],
    "warmup_cosine_lr": [
        """if warmup_steps > 0 and t <= warmup_steps:
    return lr_max * t / warmup_steps
if t >= total_steps:
    return lr_min
share = (t - warmup_steps) / (total_steps - warmup_steps)
return lr_min + (lr_max - lr_min) * (1.0 + np.cos(np.pi * share)) / 2""",
        """if t <= warmup_steps:
    return float(lr_max * t / warmup_steps)
if t > total_steps:
    return float(lr_min)
progress = (t - warmup_steps) / (total_steps - warmup_steps)
return float(lr_min + 0.5 * (lr_max - lr_min) * (1.0 + np.cos(np.pi * progress)))""",
        """import math
if warmup_steps > 0 and t <= warmup_steps:
    lr = lr_max * t / warmup_steps
elif t <= total_steps:
    frac = (t - warmup_steps) / max(1, total_steps - warmup_steps)
    lr = lr_min + (lr_max - lr_min) * 0.5 * (1 + math.cos(math.pi * frac))
else:
    lr = lr_min
return float(lr)""",
        """W, T = warmup_steps, total_steps
if t > T:
    return float(lr_min)
if W and t <= W:
    return lr_max * (t / W)
cos_part = np.cos(np.pi * (t - W) / (T - W))
return float(lr_min + (lr_max - lr_min) * (1 + cos_part) / 2)""",
    ],
    "adamw_update": [
        """first = beta1 * m + (1.0 - beta1) * grad
second = beta2 * v + (1.0 - beta2) * grad ** 2
first_hat = first / (1.0 - beta1 ** t)
second_hat = second / (1.0 - beta2 ** t)
shrunk = w * (1.0 - lr * weight_decay)
return shrunk - lr * first_hat / np.sqrt(second_hat + eps), first, second""",
        """decayed = w - lr * weight_decay * w
m_new = beta1 * m + (1 - beta1) * grad
v_new = beta2 * v + (1 - beta2) * grad * grad
m_hat = m_new / (1 - beta1 ** t)
v_hat = v_new / (1 - beta2 ** t)
return decayed - lr * m_hat / np.sqrt(v_hat + eps), m_new, v_new""",
        """m1 = m * beta1 + grad * (1.0 - beta1)
v1 = v * beta2 + np.square(grad) * (1.0 - beta2)
adam_step = lr * (m1 / (1.0 - beta1 ** t)) / np.sqrt(v1 / (1.0 - beta2 ** t) + eps)
return w - lr * weight_decay * w - adam_step, m1, v1""",
        """mt = beta1 * m + (1 - beta1) * grad
vt = beta2 * v + (1 - beta2) * grad ** 2
denom = np.sqrt(vt / (1 - beta2 ** t) + eps)
new_w = w - lr * (mt / (1 - beta1 ** t) / denom + weight_decay * w)
return new_w, mt, vt""",
    ],
}

# Mistakes, each made by one honest student at most (``COMMON`` ones by many).
WRONG = {
    "minibatch_indices": [
        """order = rng.permutation(n_samples)
return [order[i:i + batch_size] for i in range(0, n_samples - batch_size + 1, batch_size)]""",
        """order = np.random.permutation(n_samples)
return [order[i:i + batch_size] for i in range(0, n_samples, batch_size)]""",
    ],
    "forward": ["""hidden = sigmoid(params["W1"] @ X)
return params["W2"] @ hidden + params["b2"], hidden"""],
    "loss_and_grads": [
        """y_hat, hidden = forward(params, X)
m = X.shape[1]
error = y_hat - y
d_out = error / m
d_hidden = (params["W2"].T @ d_out) * hidden * (1.0 - hidden)
grads = {"W1": d_hidden @ X.T, "b1": d_hidden.sum(axis=1, keepdims=True),
         "W2": d_out @ hidden.T, "b2": d_out.sum(axis=1, keepdims=True)}
return float(np.mean(error ** 2)), grads""",
        """out, hid = forward(params, X)
count = X.shape[1]
e = out - y
delta2 = (2 / count) * e
delta1 = params["W2"].T.dot(delta2) * hid * (1 + hid)
gb2 = 2 + delta2.sum(1, keepdims=True)
return float(np.mean(np.square(e))), dict(W1=delta1.dot(X.T), b1=delta1.sum(1, keepdims=True),
                                          W2=delta2.dot(hid.T), b2=gb2)""",
    ],
    "sgd_update": ["w -= lr * grad\nreturn w", "return w - grad"],
    "momentum_update": ["""v = gamma * velocity + grad
return w - lr * v, v""", """v = gamma * velocity + lr * grad
return w - lr * grad, v"""],
    "nesterov_update": ["""v = gamma * velocity + lr * grad_fn(w)
return w - v, v""", """ahead = w + gamma * velocity
v = gamma * velocity + lr * grad_fn(ahead)
return w - v, v"""],
    "adagrad_update": ["""new_G = G + grad ** 2
return w - lr * grad / (np.sqrt(new_G) + eps), new_G""", """step = lr * grad / np.sqrt(G + eps)
return w - step, G + grad ** 2"""],
    "rmsprop_update": ["""new_s = s + grad ** 2
return w - lr * grad / np.sqrt(new_s + eps), new_s""", """s_new = (1 - rho) * s + rho * grad ** 2
return w - lr * grad / np.sqrt(s_new + eps), s_new"""],
    "adam_update": ["""m_new = beta1 * m + (1 - beta1) * grad
v_new = beta2 * v + (1 - beta2) * grad ** 2
return w - lr * m_new / np.sqrt(v_new + eps), m_new, v_new""",
                    """m_new = beta1 * m + (1 - beta1) * grad
v_new = beta2 * v + (1 - beta2) * grad ** 2
m_hat = m_new / (1 - beta1 ** (t + 1))
v_hat = v_new / (1 - beta2 ** (t + 1))
return w - lr * m_hat / np.sqrt(v_hat + eps), m_new, v_new"""],
    "warmup_cosine_lr": ["""if t <= warmup_steps:
    return lr_max * (t - 1) / warmup_steps
progress = (t - warmup_steps) / (total_steps - warmup_steps)
return lr_min + 0.5 * (lr_max - lr_min) * (1 + np.cos(np.pi * min(progress, 1.0)))"""],
    "adamw_update": ["""m_new = beta1 * m + (1 - beta1) * (grad + weight_decay * w)
v_new = beta2 * v + (1 - beta2) * (grad + weight_decay * w) ** 2
m_hat = m_new / (1 - beta1 ** t)
v_hat = v_new / (1 - beta2 ** t)
return w - lr * m_hat / np.sqrt(v_hat + eps), m_new, v_new"""],
}
COMMON = {"sgd_update": "return w + lr * grad"}  # a mistake many make independently

COMMENTS = ["# шаг против градиента", "# обновляем состояние", "# см. формулу в теории",
            "# новые массивы, входные не меняем", "# коррекция", "# готово",
            "# проверено на простом примере", "# по формуле из лекции"]
CAPSTONE_OPTIMIZERS = ["adam", "adamw", "momentum", "rmsprop", "nesterov", "sgd"]


def capstone(rng):
    """An honest capstone choice: the student's own numbers."""
    lr = rng.choice([0.003, 0.01, 0.02, 0.03, 0.05, 0.1, 0.15, 0.2, 0.3])
    choice = {"optimizer": rng.choice(CAPSTONE_OPTIMIZERS), "lr": lr,
              "schedule": rng.choice(["constant", "warmup_cosine", "step"])}
    if rng.random() < 0.5:
        choice["warmup_steps"] = rng.choice([10, 20, 30, 40, 60, 80])
    if rng.random() < 0.5:
        return "return " + repr(choice)
    lines = [f"choice = dict(optimizer={choice.pop('optimizer')!r})"]
    lines += [f"choice[{k!r}] = {v!r}" for k, v in choice.items()]
    return "\n".join(lines + ["return choice"])


def corpus(lesson):
    """Russian sentences for honest written answers: prose of the other lessons and the
    README, never of ``lesson`` itself (that would be the lesson's own text)."""
    texts = [(ROOT / "README.md").read_text("utf-8")]
    for path in sorted((ROOT / "source").glob("*/*.ipynb")):
        if path.stem != lesson:
            texts += [c.source for c in nbformat.read(str(path), as_version=4).cells
                      if c.cell_type == "markdown"]
    found, seen = [], set()
    for body in texts:
        body = re.sub(r"```.*?```|\$[^$]*\$|`[^`]*`|\|[^\n]*|<[^>]*>|[#*>]", " ", body, flags=re.S)
        for sentence in re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", body)):
            words = re.findall(r"\w+", sentence.lower())
            runs = {tuple(words[i:i + 3]) for i in range(len(words) - 2)}
            if 8 <= len(words) <= 30 and re.search("[а-я]", sentence) and not runs & seen:
                found.append(sentence.strip())  # no two sentences share three words in a row
                seen |= runs
    return sorted(found)


def reworded(answer, rng):
    """The answer copied and reworded slightly: a few words changed, dropped or moved, case
    and punctuation changed."""
    words = answer.split()
    for _ in range(max(2, len(words) // 12)):
        i = rng.randrange(len(words))
        words[i] = rng.choice(["по сути", "то есть", "здесь", "как видно", "именно"])
    del words[rng.randrange(len(words))]
    return " ".join(words).replace(",", "").replace(".", ";").lower()


def renamed(body, params):
    """The body with every local name renamed (Python tokens, strings untouched)."""
    tree = ast.parse(body)
    local = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
             and isinstance(n.ctx, ast.Store)} - set(params)
    new = {name: f"my_{name.lower()}_{i}" for i, name in enumerate(sorted(local))}
    out, at = [], 0
    starts = [0]
    for line in body.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    for tok in tokenize.generate_tokens(io.StringIO(body).readline):
        if tok.type == tokenize.NAME and tok.string in new:
            start = starts[tok.start[0] - 1] + tok.start[1]
            out.append(body[at:start] + new[tok.string])
            at = start + len(tok.string)
    return "".join(out) + body[at:]


def reordered(body):
    """The body with its comments dropped and, where two neighbouring statements do not
    depend on each other, their order swapped; a new comment on top."""
    lines = [line for line in body.splitlines() if not line.strip().startswith("#")]
    tree = ast.parse("\n".join(lines))
    statements = tree.body
    blocks = [lines[s.lineno - 1:s.end_lineno] for s in statements]
    names = [({n.id for n in ast.walk(s) if isinstance(n, ast.Name)
               and isinstance(n.ctx, ast.Store)},
              {n.id for n in ast.walk(s) if isinstance(n, ast.Name)}) for s in statements]
    i = 0
    while i < len(statements) - 1:
        (set_a, use_a), (set_b, use_b) = names[i], names[i + 1]
        independent = not (set_a & use_b or set_b & use_a) and not any(
            isinstance(s, (ast.Return, ast.If, ast.For, ast.While, ast.Import))
            for s in statements[i:i + 2])
        if independent:
            blocks[i], blocks[i + 1] = blocks[i + 1], blocks[i]
            i += 2
        else:
            i += 1
    return "# решение\n" + "\n".join(line for block in blocks for line in block)


def verdict(exercise, body):
    """The judge's verdict on this body as written by its author (None: the reference). A
    copy gets the verdict of its original: it computes the same."""
    if body is None or body in CORRECT.get(exercise, ()) or exercise == "capstone_choice":
        return {"exercise": exercise, "passed": True, "message": f"✓ {exercise}", "case": None,
                "mistake": None}
    digest = hashlib.sha256(body.encode()).hexdigest()
    return {"exercise": exercise, "passed": False, "case": f"случай {int(digest[:2], 16) % 5}",
            "message": f"Функция {exercise} не прошла скрытую проверку: получено {digest[:12]}.",
            "mistake": None}


class Student:
    """What one student wrote for a lesson: function bodies (with their verdicts), written
    answers and added cells (position, source, output, id)."""

    def __init__(self, name):
        self.name, self.bodies, self.verdicts, self.answers, self.added = name, {}, {}, {}, []
        self.copy_of = None  # a notebook copied as a whole: (original Student, extra cells)

    def write(self, bodies, verdicts=None):
        for exercise, body in bodies.items():
            self.bodies[exercise] = body
            self.verdicts[exercise] = (verdicts or {}).get(exercise) or verdict(exercise, body)


def _added_cells(rng, count):
    cells = []
    for _ in range(count):
        x = [round(rng.uniform(-2, 2), 4) for _ in range(3)]
        source = rng.choice([f"x = np.array({x})\nprint(x * 2)", f"print(np.round({x}, 2))",
                             f"values = {x}\nprint(sum(values))"])
        cells.append((rng.randrange(5, 30), source, f"{x} {rng.random():.6f}\n",
                      f"{rng.getrandbits(32):08x}"))
    return cells


SUM = re.compile(r"^(\s*)([a-z_]\w*) = (.+?) \+ (.+)$")
# Rewritings that keep a body's meaning: what makes two honest students' code differ even
# where they chose the same approach.
STYLES = [
    (r"\b1\.0 - ", "1 - "), (r"\b1 - ", "1.0 - "), (r"(\w+) \*\* 2\b", r"\1 * \1"),
    (r"(\w+) \*\* 2\b", r"np.square(\1)"),
    (r"\b(lr|gamma|rho|beta1|beta2) \* (\w+)\b(?![.(\[])", r"\2 * \1"),
    (r"(\w[\w.\[\]\"]*) @ (\w[\w.]*)", r"np.dot(\1, \2)"),
    (r"np\.dot\(([\w.\[\]\"]+), ([\w.]+)\)", r"\1 @ \2"), (r" / 2\b", " * 0.5"),
    (r"\bkeepdims=True", "keepdims=1"), (r"2\.0 \* ", "2 * "), (r"\.T\b", ".transpose()"),
    (r"(\w+)\.sum\(axis=1, keepdims=(\w+)\)", r"np.sum(\1, axis=1, keepdims=\2)"),
    (r"\bX\.shape\[1\]", "X.shape[-1]"), (r"\by\.shape\[1\]", "y.size"),
    (r"(?<!np)\.dot\(", " @ ("), (r"\bfloat\((np\.\w+\([^()]*\))\)", r"\1.item()"),
    (r"\bnp\.cos\(", "math.cos("),
    (r"\bnp\.pi\b", "math.pi"),
    (r"\(1 \+ (\w+)\)", r"(\1 + 1)"), (r"\s*# .*", ""),
    (r"(?<![-*/.@] )(?<![-*/.@])\b([a-z_]\w*|\d+) \* ([a-z_]\w*)\b(?![.(\[])(?! \*\*)",
     r"\2 * \1"),
    (r"(?<![-*/.@] )(?<![-*/.@])\b([a-z_]\w*) \+ ([a-z_]\w*)\b(?![.(\[*/])(?! [*/@])",
     r"\2 + \1"),
    (r" \+ ([a-z_]\w* \* [a-z_]\w*)\b(?![.(\[])", r" + (\1)"), (SUM, None),
    (r"(?m)^(\s*)(\w+)\.append\((.+)\)$", r"\1\2 += [\3]"),
    (r"1(?:\.0)? / \(1(?:\.0)? \+ np\.exp\(-(\w+)\)\)", r"0.5 * (1 + np.tanh(0.5 * \1))"),
    (r'params\["(\w+)"\]', r'params.get("\1")'), (r"list\((rng\.\w+\(\w+\))\)", r"\1.tolist()"),
    (r"(?m)^(\s*)return (\w+) - (\w+), (\w+)$",
     r"\1new_weights = \2 - \3\n\1return new_weights, \4"),
]


def split_sums(body, rng):
    """``x = a + b`` as ``x = a`` then ``x += b`` here and there (a is a new array: never a
    bare name, so nothing the function received is changed)."""
    lines = []
    for line in body.splitlines():
        m = SUM.match(line)
        balanced = m and all(part.count("(") == part.count(")") and part.count("[") ==
                             part.count("]") for part in m.group(3, 4))
        if balanced and not m.group(3).isidentifier() and rng.random() < 0.6:
            lines += [f"{m[1]}{m[2]} = {m[3]}", f"{m[1]}{m[2]} += {m[4]}"]
        else:
            lines.append(line)
    return "\n".join(lines)


def styled(body, style, rng):
    """The body as one student would write it: the rewritings of the student's ``style``,
    not always everywhere; a single returned expression sometimes named first."""
    for pattern, replacement in style:
        if pattern == SUM:
            body = split_sums(body, rng)
            continue
        body = re.sub(pattern, lambda m, new=replacement: m.expand(new)
                      if rng.random() < 0.8 else m.group(), body)
    last = body.splitlines()[-1]
    if last.startswith("return ") and "," not in last and rng.random() < 0.4:
        name = rng.choice(["result", "out", "res", "answer"])
        body = body[:-len(last)] + f"{name} = {last[7:]}\nreturn {name}"
    return body


# Habits of one student, each kept in every exercise: (parameter it needs, line put first).
HABITS = [("w", "w = np.asarray(w)"), ("w", "w = np.array(w)"),
          ("grad", "assert grad.shape == w.shape"), ("lr", "lr = float(lr)"),
          ("grad", "grad = np.asarray(grad)"), ("gamma", "assert 0 <= gamma < 1"),
          ("eps", "eps = float(eps)"), ("t", "t = int(t)"), ("X", "X = np.asarray(X)"),
          ("n_samples", "n_samples = int(n_samples)"), ("beta1", "b1, b2 = beta1, beta2"),
          ("params", "params = dict(params)"), ("lr_max", "lr_max = float(lr_max)")]


def habitual(body, habits, params):
    """The body with the student's habits that fit the function's parameters put first."""
    first = [line for needed, line in habits if needed in params]
    return "\n".join(first + [body])


def honest(name, lesson, rng, pool, sentences, reference=None):
    """A student who wrote everything alone: the reference solutions if ``reference`` is
    given, else own implementations; a mistake from ``pool`` now and then (each taken once)."""
    student = Student(name)
    habits = [habit for habit in HABITS if rng.random() < 0.2]
    style = [rule for rule in STYLES if rng.random() < 0.5]
    for exercise in exercises(lesson):
        if reference:
            body = reference[exercise]
        elif exercise == "capstone_choice":
            body = capstone(rng)
        elif pool.get(exercise) and rng.random() < 0.2:
            body = pool[exercise].pop()
        else:
            body = rng.choice(CORRECT[exercise])
        judged = verdict(exercise, None if reference else body)
        if not reference:
            body = habitual(styled(body, style, rng), habits, _parameters(lesson, exercise))
        if rng.random() < 0.3:
            body = rng.choice(COMMENTS) + "\n" + body
        student.write({exercise: body}, {exercise: judged})
    student.answers = {q: " ".join(sentences.pop() for _ in range(rng.choice([2, 3])))
                       for q in QUESTIONS[lesson]}
    student.added = _added_cells(rng, rng.choice([0, 1, 1, 2]))
    return student


def _questions(lesson):
    nb = nbformat.read(str(ROOT / "release" / lesson / f"{lesson}.ipynb"), as_version=4)
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if c.cell_type == "markdown"
            and c.metadata.get("nbgrader", {}).get("solution")]


QUESTIONS = {lesson: _questions(lesson) for lesson in
             ("01_sgd", "02_nesterov", "03_adagrad", "04_adam", "05_schedules")}


def reference_bodies(lesson):
    """{exercise: body} of the source notebook's solutions."""
    nb = nbformat.read(str(ROOT / "source" / lesson / f"{lesson}.ipynb"), as_version=4)
    found = {}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in exercises(lesson) and "### BEGIN SOLUTION" in cell.source:
            inner = cell.source.split("### BEGIN SOLUTION\n")[1].split("    ### END SOLUTION")[0]
            found[gid] = textwrap.dedent(inner).rstrip()
    return found


def notebook(lesson, student):
    """The student's notebook: the release notebook with the bodies and answers put in and
    the added cells inserted (a whole copy: the original's notebook plus extra cells)."""
    if student.copy_of:
        original, extra = student.copy_of
        nb = notebook(lesson, original)
        return _insert(nb, extra)
    nb = nbformat.read(str(ROOT / "release" / lesson / f"{lesson}.ipynb"), as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in student.bodies:
            cell.source = cell.source.replace(STUB, textwrap.indent(student.bodies[gid], "    "))
        elif gid in student.answers:
            cell.source = student.answers[gid]
    return _insert(nb, student.added)


def _insert(nb, added):
    for position, source, output, cell_id in sorted(added, reverse=True):
        cell = nbformat.v4.new_code_cell(source, id=cell_id)
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=output)]
        nb.cells.insert(position, cell)
    return nb


KINDS = ("verbatim", "renamed", "reordered", "wrong answer", "written answer", "extra cells")


def plant(kind, original, copier, lesson, rng, wrong):
    """Make ``copier`` a copy of ``original`` of the given kind."""
    if kind == "verbatim":  # the file as it is, with the original's scratch cells
        original.added = original.added or _added_cells(rng, 1)
        copier.copy_of, copier.verdicts = (original, []), dict(original.verdicts)
    elif kind == "extra cells":
        original.added = original.added or _added_cells(rng, 1)
        copier.copy_of, copier.verdicts = (original, _added_cells(rng, 2)), dict(original.verdicts)
    elif kind in ("renamed", "reordered"):
        if kind == "reordered" and not any(map(_swaps, original.bodies.values())):
            _give_independent_lines(original, lesson)
        change = ((lambda b: renamed(b, _parameters(lesson))) if kind == "renamed"
                  else reordered)
        copier.write({ex: change(body) for ex, body in original.bodies.items()},
                     original.verdicts)
    elif kind == "wrong answer":
        exercise, body = wrong
        original.write({exercise: body})
        copier.write({exercise: body}, original.verdicts)
    else:
        question = QUESTIONS[lesson][0]
        copier.answers[question] = reworded(original.answers[question], rng)


def _lines(body):
    return [line for line in body.splitlines() if not line.strip().startswith("#")]


def _swaps(body):
    """Whether ``reordered`` finds two neighbouring lines of ``body`` to swap."""
    return _lines(reordered(body)) != _lines(body)


def _give_independent_lines(student, lesson):
    """Two habits that do not depend on each other put first in one of the student's
    functions (same verdict: they change nothing), so that a copy can reorder its lines:
    in some lessons every statement of every function uses the one before."""
    exercise = next(ex for ex in student.bodies if {"w", "lr"} <= _parameters(lesson, ex))
    student.write({exercise: "w = np.asarray(w)\nlr = float(lr)\n" + student.bodies[exercise]},
                  student.verdicts)


def _parameters(lesson, exercise=None):
    return {name for ex in exercises(lesson) if exercise in (None, ex) for name in
            re.findall(r"\w+", re.search(rf"def {ex}\((.*?)\)", _release_text(lesson)).group(1))}


def _release_text(lesson):
    return (ROOT / "release" / lesson / f"{lesson}.ipynb").read_text("utf-8")


def build(root, lesson, honest_count=24, seed=0):
    """Write a class for ``lesson`` into ``root``: honest students (two of them hand in the
    reference solutions), and one planted pair per kind of copy. Returns {kind: (original,
    copier)}."""
    rng = random.Random(f"{lesson}-{seed}")
    sentences = corpus(lesson)
    need = 3 * honest_count * len(QUESTIONS[lesson])
    for _ in range(need // len(sentences)):  # a large class (the benchmark): more sentences,
        sentences += [" ".join(rng.sample(s.split(), len(s.split())))  # words in new orders
                      for s in sentences[:need - len(sentences)]]
    rng.shuffle(sentences)
    pool = {ex: list(WRONG.get(ex, [])) for ex in exercises(lesson)}
    rare = next(ex for ex in exercises(lesson) if pool.get(ex))
    wrong = (rare, pool[rare].pop(0))  # reserved for the planted copy of a wrong answer
    reference = reference_bodies(lesson)
    students = [honest(f"student_{i:02d}", lesson, rng, pool, sentences,
                       reference if i < 2 else None) for i in range(honest_count)]
    for student in students[2:8]:  # a common mistake, made independently by several
        for exercise, body in COMMON.items():
            if exercise in student.bodies:
                student.write({exercise: body})
    planted = {}
    for number, kind in enumerate(KINDS):
        original, copier = students[2 + 2 * number], students[3 + 2 * number]
        plant(kind, original, copier, lesson, rng, wrong)
        planted[kind] = (original.name, copier.name)
    for student in students:
        folder = root / "submitted" / student.name / lesson
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook(lesson, student), str(folder / f"{lesson}.ipynb"))
    for s in students:
        records.save(root, records.Submission(s.name, lesson,
                                                verdicts=list(s.verdicts.values())))
    return planted
