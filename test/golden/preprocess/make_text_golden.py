#!/usr/bin/python3
"""Golden outputs of LAVIS's eval text processors on tricky inputs.

    /usr/bin/python3 test/golden/preprocess/make_text_golden.py

LAVIS itself is not installable here (it pins torch 2 / transformers 4.33), so the three
functions below are the bodies of BlipCaptionProcessor.pre_caption, BlipQuestionProcessor.pre_question
and BlipInstructionProcessor.__call__ (task "eval") from salesforce/LAVIS 506965b,
lavis/processors/blip_processors.py:49-101 and instruction_text_processors.py:448-503, unchanged
apart from being free functions. Python 3.11's re and str do the work.
"""
import json
import os
import re


def pre_caption(caption, max_words=50):
    caption = re.sub(r"([.!\"()*#:;~])", " ", caption.lower())
    caption = re.sub(r"\s{2,}", " ", caption)
    caption = caption.rstrip("\n")
    caption = caption.strip(" ")
    caption_words = caption.split(" ")
    if len(caption_words) > max_words:
        caption = " ".join(caption_words[:max_words])
    return caption


def pre_question(question, max_words=50):
    question = re.sub(r"([.!\"()*#:;~])", "", question.lower())
    question = question.rstrip(" ")
    question_words = question.split(" ")
    if len(question_words) > max_words:
        question = " ".join(question_words[:max_words])
    return question


def instruction_eval(caption, prompt, max_words=50):
    return prompt if caption == "" else pre_caption(caption, max_words)


INPUTS = [
    "A man riding a horse.",
    "  Two dogs;  playing: in the (snow)!  ",
    'He said "hi" ~ #1 * star',
    "What is the man's job?",
    "Is it a T-shirt/jacket, or a coat?",
    "line one.\nline two.\n\n",
    "trailing newline\n",
    "tabs\tand\t\tmore\ttabs",
    "mixed \t\n whitespace runs",
    "  leading spaces kept by question  ",
    "...!!!",
    "",
    " ",
    "ΟΔΟΣ ΣΟΦΊΑ İstanbul ÀÉÎ",
    "non\u00a0breaking\u00a0\u00a0space",
    "file\x1c\x1dseparators and nel\x85\x85here",
    "bom\ufeff\ufeffstays",
    "ideographic\u3000\u3000space",
    "word " * 60,
    "a b c d e f g h i j k l m n o p q r s t u v w x y z " * 3,
    "double  space  question  ",
    "end with spaces and newline \n",
    "emoji 😀 and accents café",
]


def main():
    cases = []
    for text in INPUTS:
        cases.append({
            "input": text,
            "caption": pre_caption(text),
            "captionMax5": pre_caption(text, 5),
            "question": pre_question(text),
            "questionMax5": pre_question(text, 5),
            "instruction": instruction_eval(text, "a short description"),
        })
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "text-processors.json")
    with open(path, "w") as f:
        json.dump(cases, f, indent=1, ensure_ascii=True)
    print(f"{len(cases)} cases -> {path}")


if __name__ == "__main__":
    main()
