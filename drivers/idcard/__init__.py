"""Second-generation ID card reader (二代证阅读器, GA/T 467 SAM interface; devices.md §1).

``protocol`` (frames), ``text`` (the 256-byte text block), ``codes`` (sex, nation,
GB 11643) and ``card`` (:class:`IdCard`) are pure; ``driver`` holds
:class:`IdCardReader` with its worker thread; ``emulator`` plays the reader.
"""
from drivers.idcard.card import CardKind, IdCard, MaskedIdCard, mask_id_number, mask_name

__all__ = ["CardKind", "IdCard", "MaskedIdCard", "mask_id_number", "mask_name"]
