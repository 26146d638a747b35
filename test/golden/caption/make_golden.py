#!/usr/bin/env python3
"""Builds the caption-metric golden corpora and runs the OFFICIAL pycocoevalcap code on them.

Usage:  /usr/bin/python3 test/golden/caption/make_golden.py /tmp/pycoco/pycocoevalcap

The argument is a checkout of salaniz/pycocoevalcap (see PROVENANCE.md), whose tokenizer/ folder
holds stanford-corenlp-3.4.1.jar. Writes, next to this script:
  corpora/<name>.json   {"name", "tokenize": "ptb"|"none", "images": [{"id", "refs", "pred"}]}
  expected/<name>.json  {"metrics": {...}, "perImage": [{"id", "Bleu_1", ...}], "tokenized"?}
  ptb-tokenization.json [{"input", "output"}] from the official PTBTokenizer wrapper
Image order inside each corpus is the dict order handed to the official scorers; floats are
written with repr (shortest round-trip), so they are the exact doubles Python computed.
"""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def load_official(checkout):
    parent, name = os.path.split(os.path.abspath(checkout))
    sys.path.insert(0, parent)
    mod = __import__(name + '.bleu.bleu', fromlist=['Bleu'])
    Bleu = mod.Bleu
    Rouge = __import__(name + '.rouge.rouge', fromlist=['Rouge']).Rouge
    Cider = __import__(name + '.cider.cider', fromlist=['Cider']).Cider
    PTBTokenizer = __import__(name + '.tokenizer.ptbtokenizer', fromlist=['PTBTokenizer']).PTBTokenizer
    return Bleu, Rouge, Cider, PTBTokenizer


# ---------------------------------------------------------------- hand-made corpora

SPEC_GOLDEN = [
    ('1', ['a man riding a wave on top of a surfboard', 'a surfer rides a large wave in the ocean',
           'a person on a surfboard riding a wave'], 'a man riding a wave on a surfboard'),
    ('2', ['two dogs playing with a frisbee in the grass', 'a couple of dogs running in a field',
           'two dogs chase a frisbee on a lawn'], 'two dogs playing in the grass'),
    ('3', ['a plate of food with broccoli and meat', 'a white plate topped with meat and vegetables',
           'broccoli and beef on a dinner plate'], 'a plate of food'),
]

EDGE_CASES = [
    ('empty-pred', ['a dog runs on the grass', 'a brown dog outside'], ''),
    ('one-word', ['dog', 'a dog'], 'dog'),
    ('two-words', ['a dog', 'a dog runs on the grass'], 'a dog'),
    ('three-words-miss', ['a cat sleeping on a sofa'], 'zebra giraffe lion'),
    ('repeated-ngrams', ['a a a dog', 'the dog the dog'], 'a a a a a a the dog the dog the dog'),
    ('longer-than-refs', ['a red bus', 'a bus on a street'],
     'a big red double decker bus driving down a busy city street next to tall buildings'),
    ('shorter-than-refs', ['a group of people standing around a large white kitchen table',
                           'several people gathered in a kitchen preparing some food together'], 'people kitchen'),
    ('tie-ref-length', ['a dog on grass', 'a small dog on the green grass'], 'a dog on the grass'),
    ('tie-ref-length-rev', ['a small dog on the green grass', 'a dog on grass'], 'the dog on the grass'),
    ('exact-match', ['a man holding an umbrella in the rain', 'a person with an umbrella'],
     'a man holding an umbrella in the rain'),
    ('unicode', ['un café près de la gare', 'naïve señor über straße', '日本 の 電車'], 'un café naïve près de la straße'),
    ('nbsp-token', ['add 5\u00a01/2 cup of flour', 'add five cups'], 'add 5\u00a01/2 cup'),
    ('double-spaces', ['a  dog  runs', ' a dog runs '], 'a dog  runs '),
    ('empty-ref', ['', 'a bird on a branch'], 'a bird'),
    ('one-ref', ['a plane flying in a clear blue sky'], 'a plane in the sky'),
    ('many-refs', ['a train', 'a train on tracks', 'a long train on the tracks', 'the train is yellow',
                   'a yellow train at a station', 'train', 'a train stopped at a platform'], 'a yellow train on the tracks'),
    ('no-overlap', ['completely different words here'], 'nothing in common at all'),
    ('all-same-word', ['dog dog dog dog dog dog'], 'dog dog dog dog'),
    ('only-unseen', ['a cat'], 'xylophone quartet'),
]

# Raw captions for the PTB pipeline: capitals, punctuation, contractions, quotes, brackets,
# numbers, hyphens, symbols. The official tokenizer runs on both refs and preds.
PUNCT_CASES = [
    ('p1', ['A man riding a wave on top of a surfboard.', 'A surfer rides a large wave, in the ocean!',
            'A person on a surfboard -- riding a wave.'], 'A man riding a wave on a surfboard.'),
    ('p2', ["Two dogs, one brown and one white, play.", "The dog's toy is on the dogs' bed.",
            "I don't think it can't be."], "Two dogs don't play; they're gonna eat."),
    ('p3', ['A clock showing 9:30 and 1,000 people.', 'A $5 bill and 50% off.', 'Tom & Jerry #1'],
     'A clock at 9:30 with 50% off.'),
    ('p4', ['A man (wearing a hat) [left] {right}.', 'A sign reading "STOP".', "A woman's 'best' friend."],
     'A man (in a hat) near a "STOP" sign.'),
    ('p5', ['People in the U.S. at 5 p.m.', 'Mr. Smith\'s car.', 'An old-fashioned black-and-white photo.'],
     'A black-and-white photo of Mr. Smith.'),
    ('p6', ['A dog... running!', 'A red and/or blue car; 5 * 3.', 'The colour grey?'], 'A dog running... fast?'),
    ('p7', ['A CAT SITTING ON A MAT.', 'Cat on mat', 'a cat, on a mat.'], 'A Cat On A Mat.'),
    ('p8', ['São Paulo at night.', 'Crème brûlée on a plate.', 'Ein Hund läuft.'], 'São Paulo, at night.'),
    ('p9', ['Smiley :) face', 'a – b — c --- d -- e ----- f', 'He said: "yes".'], 'A smiley :) face.'),
    ('p10', ['They cannot wait; we wanna go.', "It's 2.5 m. long, isn't it?", "You've been there, haven't you?"],
     "We can't wait, we'll go."),
    ('p11', ['.', 'A picture.', '!!!'], '...'),
]

PTB_EXTRA_INPUTS = [
    'A man riding a wave on top of a surfboard.', 'Two dogs, one brown and one white, play.',
    "A cat's toy and the dogs' bowls.", "I don't think it can't be.", "They're gonna eat.",
    'An old-fashioned black-and-white photo.', 'A clock showing 9:30 and 1,000 people.',
    'A $5 bill and 50% off.', 'A man (wearing a hat) [left] {right}.', 'A person on a skateboard -- mid-air.',
    'A red and/or blue car; 5 * 3.', 'The colour grey.', 'People in the U.S. at 5 p.m.', 'A dog... running!',
    "A train at o'clock, y'all", "Mr. Smith's car.", 'Tom & Jerry #1', 'a (red) [blue] {green} <yellow> thing',
    'Smiley :) face', 'a – b — c --- d -- e ----- f', 'A sign reading "STOP".', "A woman's 'best' friend",
    '', 'add 5 1/2 cup', "I'm here, we've gone, she'll stay, he'd go, it's fine.", 'won\'t', 'cannot gotta lemme gimme wanna',
    "'Twas the night. 'Tis fine.", 'e-mail 3-year-old 50-60', '3.5 9:30 $5 50% #1 &amp;', 'fig. 3 shows e.g. this etc.',
    "it's 2.5 m.", 'St. Louis and Mt. Fuji', 'São Paulo', 'a man rides a bike', 'dog\u2026 cat', 'dog\u0085.',
    'Hello World!', 'WHAT?!', 'A "quoted" word', '\u201cCurly\u201d quotes and \u2018single\u2019 ones', 'x = 5 + 3',
    'a/b c*d', 'www.example.com and http://example.com/page', 'mail me at foo@bar.com', '@user #hashtag',
    'C++ and C# code', "rock 'n' roll", "the '90s", 'a 10-year-old boy.', 'The U.S. Army.', 'A.B.C. news',
    'Two people.  Three dogs.', '\ttabbed\tcaption ', 'A giraffe standing in a field', 'two zebras grazing in the grass',
]


# ---------------------------------------------------------------- seeded random corpora

def make_vocab(rng, size):
    syll = ['ba', 'ko', 'ri', 'ta', 'ne', 'mu', 'lo', 'si', 'de', 'pa', 'gu', 've', 'zo', 'chi', 'wa']
    common = ['a', 'the', 'of', 'on', 'in', 'with', 'and', 'is', 'to', 'at', 'an', 'two', 'man', 'woman',
              'dog', 'cat', 'sitting', 'standing', 'near', 'next', 'top', 'table', 'street', 'white', 'red']
    words = list(common)
    seen = set(words)
    while len(words) < size:
        w = ''.join(rng.choice(syll) for _ in range(rng.randint(1, 3)))
        if w not in seen:
            seen.add(w)
            words.append(w)
    return words


def zipf_word(rng, vocab):
    # heavy head: index ~ floor(size * u^3)
    return vocab[int(len(vocab) * rng.random() ** 3)]


def mutate(rng, base, vocab):
    out = list(base)
    for _ in range(rng.randint(0, 4)):
        op = rng.random()
        if op < 0.3 and out:
            out[rng.randrange(len(out))] = zipf_word(rng, vocab)
        elif op < 0.55 and len(out) > 1:
            del out[rng.randrange(len(out))]
        elif op < 0.8:
            out.insert(rng.randint(0, len(out)), zipf_word(rng, vocab))
        elif len(out) > 2:
            i = rng.randrange(len(out) - 1)
            out[i], out[i + 1] = out[i + 1], out[i]
    if rng.random() < 0.1:
        out = out[: rng.randint(0, len(out))]
    return out


def random_corpus(seed, n_images, n_refs, vocab_size, punct):
    rng = random.Random(seed)
    vocab = make_vocab(rng, vocab_size)
    images = []
    for i in range(n_images):
        base = [zipf_word(rng, vocab) for _ in range(rng.randint(3, 16))]
        refs = [mutate(rng, base, vocab) for _ in range(n_refs)]
        pred = mutate(rng, base, vocab) if rng.random() < 0.9 else [zipf_word(rng, vocab) for _ in range(rng.randint(0, 12))]
        if punct:
            refs = [decorate(rng, r) for r in refs]
            pred = decorate(rng, pred)
        else:
            refs = [' '.join(r) for r in refs]
            pred = ' '.join(pred)
        images.append({'id': str(rng.randint(0, 9) * 1000000 + i), 'refs': refs, 'pred': pred})
    return images


def decorate(rng, words):
    """Raw-looking caption: capitals, commas, final period, the odd contraction or hyphen."""
    out = []
    for j, w in enumerate(words):
        r = rng.random()
        if r < 0.05:
            w = w + "'s"
        elif r < 0.08 and j + 1 < len(words):
            w = w + '-' + words[j + 1]
        elif r < 0.12:
            w = w.upper()
        elif r < 0.14:
            w = '(' + w + ')'
        out.append(w)
        if rng.random() < 0.06:
            out[-1] += ','
    s = ' '.join(out)
    if s:
        s = s[0].upper() + s[1:]
    r = rng.random()
    if r < 0.6:
        s += '.'
    elif r < 0.65:
        s += '!'
    elif r < 0.7:
        s += ' ...'
    return s


# ---------------------------------------------------------------- running the official code

def score(official, images, tokenize):
    Bleu, Rouge, Cider, PTBTokenizer = official
    gts = {im['id']: im['refs'] for im in images}
    res = {im['id']: [im['pred']] for im in images}
    if tokenize == 'ptb':
        tok = PTBTokenizer()
        gts = tok.tokenize({k: [{'caption': c} for c in v] for k, v in gts.items()})
        res = tok.tokenize({k: [{'caption': c[0]} for c in [v]] for k, v in res.items()})
        # the tokenizer rebuilds the dicts in the same id order
    metrics = {}
    per_image = {im['id']: {'id': im['id']} for im in images}
    ids = list(gts.keys())
    bleu, bleu_per = Bleu(4).compute_score(gts, res, verbose=0)
    for k in range(4):
        metrics['Bleu_%d' % (k + 1)] = float(bleu[k])
        for i, v in zip(ids, bleu_per[k]):
            per_image[i]['Bleu_%d' % (k + 1)] = float(v)
    rouge, rouge_per = Rouge().compute_score(gts, res)
    metrics['ROUGE_L'] = float(rouge)
    for i, v in zip(ids, rouge_per):
        per_image[i]['ROUGE_L'] = float(v)
    cider, cider_per = Cider().compute_score(gts, res)
    metrics['CIDEr'] = float(cider)
    for i, v in zip(ids, cider_per):
        per_image[i]['CIDEr'] = float(v)
    out = {'metrics': metrics, 'perImage': [per_image[im['id']] for im in images]}
    if tokenize == 'ptb':
        out['tokenized'] = [{'id': i, 'refs': gts[i], 'pred': res[i][0]} for i in ids]
    return out


def from_triples(triples):
    return [{'id': i, 'refs': refs, 'pred': pred} for i, refs, pred in triples]


FUZZ_PIECES = [
    'a', 'the', 'dog', 'Dog', 'DOG', 'man', "man's", "don't", "can't", "it's", "I'm", "they're", "dogs'", 'cannot',
    'gonna', 'U.S.', 'Mr.', 'p.m.', 'etc.', 'e.g.', 'St.', 'fig.', 'co.', 'Inc.', 'A.', 'b.', 'I.', 'x', 'C.',
    '3', '42', '3.5', '1,000', '9:30', '5 1/2', '1/2', '$5', 'US$5', '50%', '#1', '#tag', '@user', '&', '&amp;',
    '(', ')', '[', ']', '{', '}', '<', '>', '<b>', '"', "'", '`', '\u201c', '\u201d', '\u2018', '\u2019',
    '.', ',', ';', ':', '!', '?', '?!', '...', '\u2026', '-', '--', '---', '-----', '\u2013', '\u2014', '/', '*',
    '=', '+', '~', '^', '|', '\\', '_', 'e-mail', 'black-and-white', '3-year-old', 'and/or', 'www.site.com',
    'foo@bar.org', 'caf\u00e9', 'S\u00e3o', '\u00bd', '\u00a3', '\u20ac', '\u00b0', '\u00d7', ':)', ';-)', 'o\'clock',
    "y'all", "'90s", "rock'n'roll", "'twas", 'A', 'The', 'In', 'It', 'He', 'file.txt', 'C++', 'c#', 'x-ray', 'T-shirt',
]


def fuzz_captions(seed, count):
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        n = rng.randint(0, 12)
        parts = []
        for _ in range(n):
            piece = rng.choice(FUZZ_PIECES)
            parts.append(piece)
            parts.append(rng.choice([' ', ' ', ' ', ' ', '', '  ']))
        out.append(''.join(parts).strip() if rng.random() < 0.8 else ''.join(parts))
    return out


def numpy_mean_cases():
    """np.mean of float64 vectors whose lengths cover numpy's pairwise-summation branches."""
    import numpy as np
    rng = random.Random(5)
    cases = []
    for n in [1, 2, 3, 4, 7, 8, 9, 15, 16, 17, 31, 100, 127, 128, 129, 200, 255, 256, 257, 300, 513, 700]:
        values = [rng.random() * 10 ** rng.randint(-6, 6) for _ in range(n)]
        naive = 0.0
        for v in values:
            naive += v
        cases.append({'values': values, 'mean': float(np.mean(np.array(values))), 'naiveMean': naive / n})
    return {'numpy': np.__version__, 'cases': cases}


# Character-level fuzz: raw characters and entities (Greek capital sigma included: Java picks
# its final form by word boundaries; see ptb-tokenize.ts, known difference 7).
CHAR_FUZZ_A = list("abcdeABCDEnNtTsS'\u2019`\"\u201c\u201d\u2018.,;:!?-\u2013\u2014()[]{}<>/\\*&#$%@_=+~^|0123456789  ") + [
    '&amp;', '&quot;', '...', '\u00a0', '\u00e9', '\u00df', '\u03a3', '\u0436', '\u65e5', '\u00bd', '\u00a3', '\u20ac', '\u00b0',
    'http://', 'www.', '.com', "n't", "'s", "'ll", 'Mr.', 'U.S.', 'etc.', 'gonna', 'cannot', '\u2026', '\u00ad']
CHAR_FUZZ_B = list("abcxyzABCXYZmMsSdDlLoOyY'\u2019`\".,;:!?-()/&#$%@_*0123456789    ") + [
    '\u00a0', '\u201c', '\u201d', '\u00ab', '\u00bb', '\u2039', '\u203a', '\u0091', '\u0092', '\u0093', '\u0094',
    '\u0096', '\u0097', '\u2010', '\u2011', '\u058a', '\u2044', '\u00bc', '\u00be', '\u2153', '\u00a2', '\u00a5',
    '\u20ac', '\u0080', '\u00b2', '\u2075', '\u2082', '\u00a9', '\u00ae', '\u00d7', '\u2022', '\u00b7', '\u3001',
    '\u3002', '\uff01', '\uff0c', '\u2013', '\u2014', '\u2015', '\u200b', '\ufeff', '\u0301', '\u00e9', '\u00f1',
    '\u00c5', '\u0130', '\u0131', '\u00df', '\u4e00', '\u3042', '\u0627', '\u05d0', '\u0905', '\U0001F600',
    '\U0001D400', '&lt;', '&gt;', '&apos;', '&nbsp;', '&mdash;', '&eacute;', '<p>', '</p>', '<a href="x">', ':-)', ';)',
    '=D', '^_^', '(^_^)', 'x.x', 'o_O', 'C++', 'c#', 'F#', 'e.g.', 'i.e.', 'a.k.a.', 'Inc.', 'Corp.', 'Jan.', 'Feb.',
    'Calif.', 'Mass.', 'Ph.D.', 'vs.', 'No.', 'fig.', 'ca.', 'pp.', 'Pty. Ltd.', 'Co. Ltd.', '5-6', '1/2', '10/20/2020',
    '+1', '-5', '3.14', '1,000,000', '(555) 123-4567', '555-123-4567', '.5', '..', '....', '. . .', '--', '---',
    "y'know", "o'clock", "O'Neil", "d'Artagnan", "l'avion", "'em", "'cause", "'til", "'90s", "'n'", "rock'n'roll",
    "ain't", "y'all", "cont'd", "nor'easter", "li'l", "c'mon", "Cap'n", "c'est", 'S&P-500', 'AT&T', 'R&D', 'pro-',
    'anti-', '-LRB-', 'file.pdf', 'x.jpg', 'a@b.co', '@me', '#yes', 'https://a.b/c?d=e', 'www.x.org', 'x.com/y']


def char_fuzz(seed, count, alphabet, max_pieces, separators):
    rng = random.Random(seed)
    return [''.join(rng.choice(alphabet) + rng.choice(separators) for _ in range(rng.randint(1, max_pieces)))
            for _ in range(count)]


def main():
    official = load_official(sys.argv[1])
    with open(os.path.join(HERE, 'numpy-mean.json'), 'w', encoding='utf-8') as f:
        json.dump(numpy_mean_cases(), f)
        f.write('\n')
    corpora = [
        ('spec-golden', 'none', from_triples(SPEC_GOLDEN)),
        ('spec-golden-subset', 'none', from_triples(SPEC_GOLDEN[:2])),
        ('single-pair', 'none', [{'id': '7', 'refs': ['a dog runs on the grass'], 'pred': 'a dog runs on the grass'}]),
        ('edge-cases', 'none', from_triples(EDGE_CASES)),
        ('punctuation-ptb', 'ptb', from_triples(PUNCT_CASES)),
        ('random-500x5', 'none', random_corpus(20261127, 500, 5, 400, punct=False)),
        ('random-ptb-150x5', 'ptb', random_corpus(7, 150, 5, 200, punct=True)),
    ]
    os.makedirs(os.path.join(HERE, 'corpora'), exist_ok=True)
    os.makedirs(os.path.join(HERE, 'expected'), exist_ok=True)
    for name, tokenize, images in corpora:
        with open(os.path.join(HERE, 'corpora', name + '.json'), 'w', encoding='utf-8') as f:
            json.dump({'name': name, 'tokenize': tokenize, 'images': images}, f, ensure_ascii=False, indent=1)
            f.write('\n')
        with open(os.path.join(HERE, 'expected', name + '.json'), 'w', encoding='utf-8') as f:
            json.dump(score(official, images, tokenize), f, ensure_ascii=False, indent=1)
            f.write('\n')
    # tokenizer pairs: one wrapper call over all inputs, as eval.py does it
    PTBTokenizer = official[3]
    inputs = (PTB_EXTRA_INPUTS + fuzz_captions(11, 1500) + char_fuzz(99, 1500, CHAR_FUZZ_A, 25, [''])
              + char_fuzz(2024, 1500, CHAR_FUZZ_B, 10, ['', ' ', ' ', ' ']))
    toks = PTBTokenizer().tokenize({str(i): [{'caption': s}] for i, s in enumerate(inputs)})
    pairs = [{'input': s, 'output': toks[str(i)][0]} for i, s in enumerate(inputs)]
    with open(os.path.join(HERE, 'ptb-tokenization.json'), 'w', encoding='utf-8') as f:
        json.dump(pairs, f, ensure_ascii=False, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
