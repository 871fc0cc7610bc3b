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
