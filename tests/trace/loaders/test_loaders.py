"""The transfer loaders on small exports in each schema, good and broken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geobuk.errors import InputError
from geobuk.trace.load import detect_loader, load_files
from geobuk.trace.storage import read_transfers

A = "0x" + "a" * 40
B = "0x" + "b" * 40
USDT = "0xdac17f958d2ee523a2206206994597c13d831ec7"
BTC1 = "1BK769SseNefb6fe9QuFEi8W4KGbtP8gi3"
BTC2 = "15FcqYRbwh2JsRUyBjvZ4jJ2XAD3pycGch"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _rows(store) -> list[dict]:
    return sorted(read_transfers(store).to_pylist(), key=lambda r: (r["tx_hash"], r["asset"]))


def test_generic_csv_loads_once(tmp_path: Path, store) -> None:
    path = _write(
        tmp_path,
        "t.csv",
        f"tx_hash,time,from,to,asset,amount\nt1,2025-02-21T14:13:35Z,{A},{B},eth,1.5\n"
        f"t2,1740147215,{B.upper().replace('0X', '0x')},{A},ETH,2\n",
    )
    assert detect_loader(path).name == "generic-csv"
    assert load_files(store, [path]).transfers == 2
    assert load_files(store, [path]).transfers == 0  # idempotent
    rows = _rows(store)
    assert rows[0]["amount"] == 1.5 and rows[0]["asset"] == "ETH" and rows[1]["from_address"] == B


def test_generic_csv_bad_row_names_its_line(tmp_path: Path, store) -> None:
    path = _write(
        tmp_path,
        "t.csv",
        f"tx_hash,time,from,to,asset,amount\nt1,2025-02-21,{A},{B},ETH,1\nt2,2025-02-21,{A},{B[:-1]},ETH,1\n",
    )
    with pytest.raises(InputError, match="line 3: invalid to address"):
        load_files(store, [path])
    assert _rows(store) == []  # nothing stored
    counts = load_files(store, [path], skip_bad=True)
    assert counts.transfers == 1 and "line 3" in counts.problems[0]


def test_generic_csv_bad_amount_and_time(tmp_path: Path, store) -> None:
    with pytest.raises(InputError, match="line 2: amount"):
        load_files(
            store,
            [_write(tmp_path, "a.csv", f"tx_hash,time,from,to,asset,amount\nt,2025-01-01,{A},{B},ETH,x\n")],
        )
    with pytest.raises(InputError, match="line 2: time"):
        load_files(
            store,
            [_write(tmp_path, "b.csv", f"tx_hash,time,from,to,asset,amount\nt,yesterday,{A},{B},ETH,1\n")],
        )


def test_ethereum_etl_transactions_and_token_transfers(tmp_path: Path, store) -> None:
    txs = _write(
        tmp_path,
        "transactions.csv",
        "hash,nonce,block_hash,block_number,transaction_index,from_address,to_address,value,gas,gas_price,"
        "input,block_timestamp,receipt_status\n"
        f"0xT1,1,0xb,100,0,{A},{B},2000000000000000000,21000,1,0x,1740147215,1\n"
        f"0xT2,2,0xb,100,1,{A},{B},0,60000,1,0xa9059cbb,1740147215,1\n"
        f"0xT3,3,0xb,100,2,{A},{B},5000000000000000000,21000,1,0x,1740147215,0\n",
    )
    tokens = _write(
        tmp_path,
        "token_transfers.csv",
        "token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n"
        f"{USDT},{A},{B},2500000,0xT2,3,100\n",
    )
    assert detect_loader(txs).name == "ethereum-etl-transactions"
    assert detect_loader(tokens).name == "ethereum-etl-token-transfers"
    load_files(store, [txs, tokens])
    rows = _rows(store)
    assert [(r["tx_hash"], r["asset"], r["amount"]) for r in rows] == [
        ("0xt1", "ETH", 2.0),
        ("0xt2", "USDT", 2.5),
    ]
    assert rows[1]["time"] == rows[0]["time"]  # the token transfer took its block's time


def test_bitcoin_etl_json_becomes_transfers(tmp_path: Path, store) -> None:
    tx = {
        "hash": "h1",
        "block_number": 1,
        "block_timestamp": 1740147215,
        "inputs": [
            {"index": 0, "addresses": [BTC1], "value": 300000000},
            {"index": 1, "addresses": [BTC2], "value": 100000000},
        ],
        "outputs": [
            {"index": 0, "addresses": ["3LU8wRu4ZnXP4UM8Yo6kkTiGHM9BubgyiG"], "value": 399990000},
            {"index": 1, "addresses": [], "value": 0},
        ],
    }
    path = _write(tmp_path, "btc.jsonl", json.dumps(tx) + "\n")
    counts = load_files(store, [path])
    assert counts.btc_inputs == 2 and counts.btc_transfers == 2 and counts.clustered == 2
    amounts = {r["from_address"]: r["amount"] for r in _rows(store)}
    assert amounts[BTC1] == pytest.approx(3.9999 * 0.75)  # output split 3:1 by what each input put in


def test_bitcoin_etl_bad_line(tmp_path: Path, store) -> None:
    path = _write(tmp_path, "btc.jsonl", '{"hash": "h", "inputs": [], "outputs": [{"value": "x"}]}\n')
    with pytest.raises(InputError, match="line 1"):
        load_files(store, [path], fmt="bitcoin-etl-json")


def test_bitcoin_etl_csv_inputs_and_outputs(tmp_path: Path, store) -> None:
    inputs = _write(
        tmp_path,
        "inputs.csv",
        "transaction_hash,block_timestamp,index,spent_transaction_hash,"
        f'addresses,value\nh1,2025-02-21 14:13:35 UTC,0,p,"[""{BTC1}""]",100000000\n',
    )
    outputs = _write(
        tmp_path,
        "outputs.csv",
        "transaction_hash,block_timestamp,index,addresses,value\n"
        f"h1,2025-02-21 14:13:35 UTC,0,{BTC2},99990000\n",
    )
    assert detect_loader(inputs).name == "bitcoin-etl-inputs"
    assert detect_loader(outputs).name == "bitcoin-etl-outputs"
    load_files(store, [inputs, outputs])
    (row,) = _rows(store)
    assert (row["from_address"], row["to_address"], row["amount"]) == (BTC1, BTC2, pytest.approx(0.9999))


def test_unknown_format(tmp_path: Path, store) -> None:
    with pytest.raises(InputError, match="not recognised"):
        load_files(store, [_write(tmp_path, "x.csv", "a,b\n1,2\n")])


def test_rows_are_stored_once_in_file_order(tmp_path: Path, store) -> None:
    # Later times first: the store keeps the file's order (the trace numbers addresses by it, so every
    # load of the same file numbers them the same way); loading again adds nothing.
    lines = [
        f"t{i},{1740147215 - 60 * i},{A if i % 2 else B},{B if i % 2 else A},ETH,{i + 1}" for i in range(30)
    ]
    path = _write(tmp_path, "t.csv", "tx_hash,time,from,to,asset,amount\n" + "\n".join(lines) + "\n")
    assert load_files(store, [path]).transfers == 30
    assert load_files(store, [path]).transfers == 0
    stored = store.con.execute("SELECT tx_hash FROM trace_transfers ORDER BY rowid").fetchall()
    assert [r[0] for r in stored] == [f"t{i}" for i in range(30)]


def test_rows_go_in_by_slices_in_file_order_and_a_second_load_adds_none(
        tmp_path: Path, store, monkeypatch) -> None:
    from geobuk.trace import storage

    monkeypatch.setattr(storage, "INSERT_SLICE", 4)  # ten rows: three slices
    lines = [f"t{i},{1740147215 - i},{A},{B},ETH,{i + 1}" for i in range(10)]
    path = _write(tmp_path, "t.csv", "tx_hash,time,from,to,asset,amount\n" + "\n".join(lines) + "\n")
    assert load_files(store, [path]).transfers == 10
    assert load_files(store, [path]).transfers == 0
    stored = store.con.execute("SELECT tx_hash FROM trace_transfers ORDER BY rowid").fetchall()
    assert [r[0] for r in stored] == [f"t{i}" for i in range(10)]
