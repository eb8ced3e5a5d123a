"""Personal data that looks real: Chinese names, resident ID numbers, mobile numbers."""

import numpy as np
import polars as pl

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")  # fmt: skip
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉俊峰建国文斌浩宇晨子轩欣怡思雨博涵梓萱一诺佳琪晓东海波志强永健家豪婷雪梅丹琳慧颖倩宁凯鑫昊天浩然泽宇雅婷晶晶亮成龙飞翔瑞阳光明春秋冬青松柏林森月星云霖雷电泉江河湖山峰岩石")  # fmt: skip
GIVEN = list(dict.fromkeys(GIVEN))
DEZHOU_REGIONS = {"decheng": 371402, "lingcheng": 371403, "ningjin": 371422, "qingyun": 371423,
                  "linyi": 371424, "qihe": 371425, "pingyuan": 371426, "xiajin": 371427,
                  "wucheng": 371428, "leling": 371481, "yucheng": 371482, "tianqu": 371402}  # fmt: skip
SHANDONG_REGIONS = [
    370102,
    370103,
    370202,
    370212,
    370302,
    370602,
    370702,
    370811,
    371302,
    371502,
    371602,
    370902,
]
OTHER_REGIONS = [
    110105,
    120101,
    130102,
    140105,
    220102,
    230102,
    320102,
    340102,
    410105,
    420102,
    510104,
    610113,
]
WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])
CHECK = np.array(list("10X98765432"))
PREFIXES = np.array([130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 157, 158,
                     159, 166, 176, 177, 178, 180, 181, 182, 185, 186, 187, 188, 189, 199])  # fmt: skip


def _unique_draw(rng: np.random.Generator, n: int, draw) -> np.ndarray:
    """Draw int64 codes with `draw(rng, k)` and redraw duplicates until all n are unique."""
    codes = draw(rng, n)
    while True:
        _, first = np.unique(codes, return_index=True)
        dup = np.setdiff1d(np.arange(n), first)
        if len(dup) == 0:
            return codes
        codes[dup] = draw(rng, len(dup))


def check_digit(body17: np.ndarray) -> np.ndarray:
    """ISO 7064 MOD 11-2 check character of 17-digit integers."""
    digits = (body17[:, None] // 10 ** np.arange(16, -1, -1, dtype=np.int64)) % 10
    return CHECK[(digits * WEIGHTS).sum(axis=1) % 11]


def draw_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Unique Chinese names: a common surname and one or two given characters."""
    s, g = len(SURNAMES), len(GIVEN)
    sw = 1.0 / np.arange(1, s + 1) ** 0.6

    def draw(r, k):
        surname = r.choice(s, size=k, p=sw / sw.sum())
        g1, g2 = r.integers(0, g, k), r.integers(0, g + 1, k)  # g2 == g: one-character given name
        g2 = np.where(r.random(k) < 0.12, g, g2)
        return (surname * (g + 1) + g1) * (g + 1) + g2

    codes = _unique_draw(rng, n, draw)
    sur = np.array(SURNAMES)[codes // ((g + 1) * (g + 1))]
    g1 = np.array(GIVEN + [""])[(codes // (g + 1)) % (g + 1)]
    g2 = np.array(GIVEN + [""])[codes % (g + 1)]
    return np.char.add(np.char.add(sur, g1), g2)


def draw_id_numbers(
    rng: np.random.Generator,
    hometown: list[str],
    county: list[str],
    birth: np.ndarray,
    female: np.ndarray,
) -> pl.Series:
    """18-character resident IDs whose region, birth date and sex digit match the talent."""
    n = len(birth)
    hometown, county = np.asarray(hometown), np.asarray(county)
    region = np.where(
        hometown == "dezhou",
        np.vectorize(DEZHOU_REGIONS.get, otypes=[np.int64])(county),
        np.where(
            hometown == "shandong", rng.choice(SHANDONG_REGIONS, n), rng.choice(OTHER_REGIONS, n)
        ),
    ).astype(np.int64)
    d = birth.astype("datetime64[D]")
    year = d.astype("datetime64[Y]").astype(np.int64) + 1970
    month = d.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    head = region * 10**11 + (year * 10000 + month * 100 + day) * 1000
    female = female.astype(np.int64)
    body = head + rng.integers(0, 500, n) * 2 + 1 - female  # odd sequence digit = male
    # Collisions of region, birth day and sequence are rare; shift the few that remain.
    while True:
        _, first = np.unique(body, return_index=True)
        dup = np.setdiff1d(np.arange(n), first)
        if len(dup) == 0:
            break
        body[dup] = head[dup] + (rng.integers(0, 500, len(dup)) * 2 + 1 - female[dup])
    return pl.Series("id_number", body.astype(str)) + pl.Series(check_digit(body))


def draw_phones(rng: np.random.Generator, n: int) -> pl.Series:
    """Unique 11-digit mobile numbers."""
    codes = _unique_draw(
        rng,
        n,
        lambda r, k: r.choice(PREFIXES, k).astype(np.int64) * 10**8 + r.integers(0, 10**8, k),
    )
    return pl.Series("phone", codes.astype(str))
