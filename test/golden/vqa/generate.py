"""Generates the VQA golden corpus and scores it with LAVIS's own VQA evaluation code.

Usage (see PROVENANCE.md):
    /usr/bin/python3 test/golden/vqa/generate.py LAVIS_VQA_TOOLS_DIR OUT_DIR

LAVIS_VQA_TOOLS_DIR holds vqa.py and vqa_eval.py exactly as in salesforce/LAVIS
lavis/common/vqa_tools/ (they import only the standard library, so they are imported directly,
without the rest of LAVIS). This script only builds inputs and records what the official code
returns; it re-implements nothing except the five-line GQA exact-match loop of
lavis/tasks/vqa.py GQATask._report_metrics, which calls the official normalisation functions.
"""
import json
import os
import random
import sys

sys.path.insert(0, sys.argv[1])
from vqa import VQA  # noqa: E402  (official)
from vqa_eval import VQAEval  # noqa: E402  (official)

OUT = sys.argv[2]
rng = random.Random(20261127)

# Variant groups: answers people write for the same thing, exercising every normalisation rule.
GROUPS = [
    ["yes", "Yes", "yes.", "yes!", "YES", " yes", "yes ", "\tyes\n", "yes?", "(yes)"],
    ["no", "No", "no.", "nope", "no!", "No."],
    ["2", "two", "Two", "2.", "two.", "TWO", "2 ", "the two"],
    ["10", "ten", "Ten", "10.", "ten.", "10!"],
    ["0", "none", "None", "zero", "0.", "nothing"],
    ["1000", "1,000", "1, 000", "1,000.", "one thousand", "1000!"],
    ["3.5", "3.5.", "3 .5", "3,5", "three and half"],
    ["dog", "a dog", "the dog", "Dog", "dogs", "dogs.", "an dog", "The Dog."],
    ["email", "e-mail", "e mail", "E-Mail", "e - mail", "e-mail."],
    ["don't", "dont", "do not", "Dont", "don't.", "DONT"],
    ["can't", "cant", "cannot", "can not", "Can't"],
    ["i'm", "im", "Im", "I'm", "i am"],
    ["o'clock", "oclock", "5 oclock", "5 o'clock", "5:00", "five oclock"],
    ["red and white", "red/white", "red white", "red, white", "red & white", "Red/White"],
    ["left", "(left)", "left.", "[left]", "<left>", "left side", "on left"],
    ["x-ray", "x ray", "xray", "X-Ray", "x_ray", "x+ray"],
    ["a.m.", "am", "a.m", "AM", "a. m.", "9 a.m."],
    ["somebodyd", "somebody'd", "somebody'dve", "somebodyd've"],
    ["1 2", "1, 2", "1,2", "1 , 2", "1/2", "one two"],
    ["hes", "he's", "whos", "who's", "thats", "that's", "twas"],
    ["@home", "@ home", "at home", "home", "home!"],
    ["\u0661,\u0662", "\u0661\u0662", "12", "\u0663"],
    ["\u00c9cole", "\u00e9cole", "ECOLE", "\u0130stanbul", "istanbul"],
    ["\u03a3\u039f\u03a3", "\u03c3\u03bf\u03c2", "sos"],
    ["well...", "well", "well.", "well . . .", "." * 40 + "x", "." * 40],
    ["a=b", "a = b", "a;b", "a ; b", "a\\b", "a`b", "a\"b\""],
    ["baseball", "base ball", "base-ball", "Baseball!", "baseball?"],
    ["1.5 m", "1.5m", "1.5 m.", "1.5 meters", "1. 5 m"],
    ["constructor", "__proto__", "toString", "hasOwnProperty"],
    ["", " ", ".", "\n"],
]

ANSWER_TYPES = ["yes/no", "number", "other"]
QUESTION_TYPES = ["what is the", "how many", "is the", "what color is the", "are there", "none of the above", "what"]


def answers_for(group):
    mode = rng.random()
    if mode < 0.2:
        return [rng.choice(group)] * 10  # unanimous: GT answers stay untouched
    if mode < 0.3:
        other = rng.choice(GROUPS)
        return [rng.choice(group if rng.random() < 0.6 else other) for _ in range(10)]
    k = rng.randint(0, 10)
    base = [rng.choice(group) for _ in range(k)]
    return base + [rng.choice(rng.choice(GROUPS)) for _ in range(10 - k)]


# Hand-picked cases (prediction, 10 answers) with known LAVIS outcomes, scored first.
FIXED = [
    ("Yes", ["yes"] * 10),  # unanimous GT untouched, prediction normalised: 100
    ("yes.", ["yes"] * 10),  # 100
    ("2", ["Two"] * 4 + ["2"] * 2 + ["three"] * 4),  # GT never digit-mapped: 60
    ("two", ["2"] * 10),  # 100
    ("yes", ["Yes"] * 10),  # unanimous capitalised GT never lowercased: 0
    ("1,000", ["1000"] * 3 + ["1,000"] * 7),  # comma rule on GT too: 100
    ("yes", ["yes "] * 10),  # GT never stripped: 0
    ("yes", ["yes "] * 9 + ["yes"]),  # punctuation pass does not strip either: 0
    ("dog", ["dog."] * 2 + ["dog"] + ["cat"] * 7),  # period stripped from non-unanimous GT: 90
    ("the dog", ["dog"] * 5 + ["cat"] * 5),  # article dropped from prediction: 100
]


def build():
    questions, annotations, results = [], [], []
    qid = 1000
    for pred, answers in FIXED:
        qid += 1
        add_question(questions, annotations, results, qid, 0, pred, answers)
    for round_ in range(12):
        for g, group in enumerate(GROUPS):
            qid += 1
            answers = answers_for(group)
            pred_group = group if rng.random() < 0.8 else rng.choice(GROUPS)
            pred = rng.choice(pred_group)
            if rng.random() < 0.1:
                pred = rng.choice(answers)
            add_question(questions, annotations, results, qid, g, pred, answers)
    rng.shuffle(results)  # the official loader indexes by id; order must not matter
    meta = {"info": {}, "task_type": "Open-Ended", "data_type": "mscoco", "data_subtype": "golden", "license": {}}
    return dict(meta, questions=questions), dict(meta, annotations=annotations), results


def add_question(questions, annotations, results, qid, image_id, pred, answers):
    questions.append({"question_id": qid, "image_id": image_id, "question": "q%d" % qid})
    annotations.append({
        "question_id": qid,
        "image_id": image_id,
        "question_type": rng.choice(QUESTION_TYPES),
        "answer_type": rng.choice(ANSWER_TYPES),
        "multiple_choice_answer": answers[0],
        "answers": [{"answer": a, "answer_confidence": "yes", "answer_id": i + 1} for i, a in enumerate(answers)],
    })
    results.append({"question_id": qid, "answer": pred})


class RecordingVQAEval(VQAEval):
    """Official evaluator; also keeps the unrounded values it receives before rounding them."""

    def setEvalQA(self, quesId, acc):
        self.raw_per_question = getattr(self, "raw_per_question", {})
        self.raw_per_question[quesId] = acc
        super().setEvalQA(quesId, acc)

    def setAccuracy(self, accQA, accQuesType, accAnsType):
        pct = lambda xs: 100 * float(sum(xs)) / len(xs)  # the expression setAccuracy rounds
        self.raw_accuracy = {
            "overall": pct(accQA),
            "perQuestionType": {k: pct(v) for k, v in accQuesType.items()},
            "perAnswerType": {k: pct(v) for k, v in accAnsType.items()},
        }
        super().setAccuracy(accQA, accQuesType, accAnsType)


def write(name, value, indent=1):
    with open(os.path.join(OUT, name), "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=False, indent=indent)
        f.write("\n")


def normalisation_table():
    tool = VQAEval()
    strings = sorted({s for group in GROUPS for s in group} | {
        "Two dogs.", "1,000 and x-y", "it's 2.5 m.", "a - b", "the man's hat", "(left)", "5.", "...3",
        "." * 40, "a." * 40, "Id've", "i'dve", "let's go", "she's", "yall'll", "THE An a", "one two three four five six seven eight nine ten eleven",
        "x\u00a0y", "x\u2003y\u3000z", "x\u001cy", "x\u0085y", "x\ufeffy", " \t lead and trail \n ",
    })
    return [{"input": s, "punctuation": tool.processPunctuation(s),
             "digitArticle": tool.processDigitArticle(s),
             "both": tool.processDigitArticle(tool.processPunctuation(s))} for s in strings]


def gqa_exact_match():
    """lavis/tasks/vqa.py GQATask._report_metrics loop (HEAD: prediction AND gt normalised)."""
    tool = VQAEval()
    items = []
    for i in range(150):
        group = rng.choice(GROUPS)
        gt, pred = rng.choice(group), rng.choice(group if rng.random() < 0.8 else rng.choice(GROUPS))
        p = tool.processDigitArticle(tool.processPunctuation(pred))
        g = tool.processDigitArticle(tool.processPunctuation(gt))
        items.append({"id": "g%d" % i, "prediction": pred, "answer": gt, "hit": 1 if p == g else 0,
                      "hitPredictionOnly": 1 if p == gt else 0})
    acc = [it["hit"] for it in items]
    acc_pred_only = [it["hitPredictionOnly"] for it in items]
    return {"items": items, "accuracy": sum(acc) / len(acc) * 100,
            "accuracyPredictionOnly": sum(acc_pred_only) / len(acc_pred_only) * 100}


def rounding_table():
    """Python 3 round(x, n) as the evaluator uses it, printed '%.{n}f' like its demo output."""
    r = random.Random(1)
    values = [k / 8 for k in range(-40, 240)] + [k / 16 for k in range(0, 200)]
    values += [r.uniform(-5, 110) for _ in range(200)] + [100 * k / 3 for k in range(0, 31)]
    values += [2.675, 1.0005, 0.0625, 57.125, 1e-7, 123456.785, 2.5, 3.5, -0.5]
    return [{"x": x, "n": n, "text": "%.*f" % (n, round(x, n))} for x in values for n in (0, 1, 2, 3)]


def main():
    questions, annotations, results = build()
    write("questions.json", questions, None)
    write("annotations.json", annotations, None)
    write("results.json", results, None)
    vqa = VQA(os.path.join(OUT, "annotations.json"), os.path.join(OUT, "questions.json"))
    res = vqa.loadRes(os.path.join(OUT, "results.json"), os.path.join(OUT, "questions.json"))
    ev = RecordingVQAEval(vqa, res, n=2)
    ev.evaluate()
    write("expected.json", {
        "rounded": ev.accuracy,
        "unrounded": ev.raw_accuracy,
        "perQuestionRounded": {str(k): v for k, v in ev.evalQA.items()},
        "perQuestionFraction": {str(k): v for k, v in ev.raw_per_question.items()},
    })
    write("normalisation.json", normalisation_table())
    write("gqa-exact-match.json", gqa_exact_match())
    write("python-round.json", rounding_table(), None)


main()
