from ruralqa.text.tokenize import Tokenizer, user_words


def test_place_and_organisation_names_stay_whole():
    text = "万荣县王显乡入选百强镇。大同农商行云冈支行投放贷款。云冈区辖4乡2镇。"
    tok = Tokenizer(user_words([text], {"万荣县", "云冈区"}))
    tokens = tok.tokens(text)
    for name in ("万荣县", "王显乡", "云冈区", "大同农商行"):
        assert name in tokens, (name, tokens)


def test_numbers_keep_their_units():
    tokens = Tokenizer().tokens("农村集体经济总收入8298.12万元,带动3.5万余人稳定增收,年产值达三亿元")
    assert "8298.12万元" in tokens and "3.5万余人" in tokens and "3亿元" in tokens


def test_questions_and_passages_tokenize_alike():
    tok = Tokenizer()
    assert set(tok.tokens("萬榮縣香菇產值")) == set(tok.tokens("万荣县香菇产值"))


def test_a_dictionary_cuts_as_jieba_with_the_whole_dictionary_loaded(tmp_path):
    # the query side reads the index's dictionary once and gives jieba only the entries a text's pieces look up
    import jieba

    from ruralqa.index.lexical import dictionary_text

    words = {"粮食": 4000, "粮食产量": 300, "产量": 2000, "万荣县": 2_000_000, "香菇": 800, "产值": 1500, "乡村振兴": 900,
             "乡村": 1200, "振兴": 700, "农村居民": 400, "居民": 1800, "人均": 900, "可支配收入": 200, "收入": 2500,
             "高标准农田": 150, "农田": 600, "建设": 3000, "甘肃": 2_000_000, "亩": 50}
    path = tmp_path / "dictionary.txt"
    path.write_text(dictionary_text(words), encoding="utf-8")
    whole = jieba.Tokenizer(dictionary=str(path))
    ours = Tokenizer(dictionary=path)
    for text in ["甘肃2024年粮食产量是多少", "万荣县香菇产值是多少", "农村居民人均可支配收入增长6%",
                 "建设高标准农田 1040万亩，乡村振兴取得新进展", "一个不在词典里的句子"]:
        expected = [w for w in whole.cut_for_search(text.lower(), HMM=True) if w.strip()]
        got = [w for w in ours._cutter(text.lower()).cut_for_search(text.lower(), HMM=True) if w.strip()]
        assert got == expected, text
    assert ours.word_freq("粮食产量") == 300 and ours.word_freq("不在") == 1
