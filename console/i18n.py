"""The console speaks Indonesian first; English is the second language.

Templates are written in Indonesian and call `t("...")`; in English the phrase is looked up here
(an unknown phrase stays Indonesian, which is never wrong for the officers of NTT).
"""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("id", "en")

EN: dict[str, str] = {
    "Konsol Petugas": "Officers' console",
    "Masuk": "Log in",
    "Keluar": "Log out",
    "Nama pengguna": "Username",
    "Kata sandi": "Password",
    "Kata sandi baru": "New password",
    "Ulangi kata sandi baru": "Repeat the new password",
    "Ganti kata sandi": "Change password",
    "Simpan": "Save",
    "Nama pengguna atau kata sandi salah, atau akun terkunci sementara.": (
        "Wrong username or password, or the account is locked for a while."
    ),
    "Kata sandi tidak sama atau terlalu pendek (minimal 10 karakter).": (
        "Passwords differ or are too short (at least 10 characters)."
    ),
    "Antrean": "Queue",
    "Belum diambil": "Unassigned",
    "Kasus saya": "Mine",
    "Semua terbuka": "All open",
    "Lewat target": "Breached",
    "Kasus": "Case",
    "Prioritas": "Priority",
    "Alasan": "Reason",
    "Dibuka": "Opened",
    "Target": "Target",
    "Petugas": "Officer",
    "Tim": "Team",
    "Kanal": "Channel",
    "Bahasa": "Language",
    "Status": "Status",
    "Tidak ada kasus di sini.": "No cases here.",
    "Ambil": "Claim",
    "Ambil alih": "Take over",
    "Alihkan": "Transfer",
    "ke petugas": "to officer",
    "atau ke tim": "or to team",
    "Balas": "Reply",
    "Kirim balasan": "Send reply",
    "Catatan": "Notes",
    "Tambah catatan": "Add note",
    "Tutup kasus": "Close case",
    "Hasil": "Outcome",
    "Percakapan": "Transcript",
    "Pengguna": "User",
    "Bot": "Bot",
    "Sistem": "System",
    "Riwayat kasus": "Case history",
    "Diambil": "Claimed",
    "Balasan pertama": "First reply",
    "Ditutup": "Closed",
    "Aktivitas terakhir": "Last activity",
    "Lewat target sejak": "Breached since",
    "Ekspor JSON": "Export JSON",
    "Agensi": "Agencies",
    "Cari": "Search",
    "Impor CSV": "Import CSV",
    "Registri agensi belum tersedia.": "The agency registry is not available yet.",
    "Statistik": "Statistics",
    "Log audit": "Audit log",
    "Pesan per hari menurut kanal": "Messages per day by channel",
    "Intent teratas": "Top intents",
    "Bahasa pesan masuk": "Languages of incoming messages",
    "Kasus menurut prioritas": "Cases by priority",
    "Kasus menurut hasil": "Cases by outcome",
    "Median waktu ke balasan pertama petugas": "Median time to the first officer reply",
    "Kasus lewat target": "Breached cases",
    "menit": "minutes",
    "Belum ada data.": "No data yet.",
    "Waktu": "Time",
    "Aksi": "Action",
    "Rincian": "Detail",
    "Bot dijeda: petugas memegang percakapan ini.": (
        "The bot is paused: an officer holds this conversation."
    ),
    "Bot menjawab percakapan ini.": "The bot answers this conversation.",
    "Tanda risiko": "Risk flags",
    "Kata pemicu": "Trigger words",
    "terkirim": "sent",
    "menunggu": "pending",
    "gagal": "failed",
    "langsung": "inline",
    "Hasil impor": "Import result",
    "Tidak ditemukan.": "Nothing found.",
    "Anda tidak berhak melakukan ini.": "You are not allowed to do this.",
    "Berkas CSV": "CSV file",
    "semua": "all",
    "Nama": "Name",
    "Berlaku sampai": "Valid until",
    "Kota": "City",
    "Provinsi": "Province",
}

OUTCOME_LABELS: dict[str, tuple[str, str]] = {
    "resolved": ("Selesai", "Resolved"),
    "referred_police": ("Dirujuk ke polisi", "Referred to police"),
    "referred_bp3mi": ("Dirujuk ke BP3MI", "Referred to BP3MI"),
    "referred_embassy": ("Dirujuk ke KBRI/KJRI", "Referred to the embassy"),
    "unreachable": ("Tidak dapat dihubungi", "Unreachable"),
    "no_risk": ("Tidak ada risiko", "No risk"),
}

STATUS_LABELS: dict[str, tuple[str, str]] = {
    "open": ("terbuka", "open"),
    "closed": ("ditutup", "closed"),
}

PRIORITY_LABELS: dict[str, tuple[str, str]] = {
    "urgent": ("Darurat", "Urgent"),
    "high": ("Tinggi", "High"),
    "normal": ("Biasa", "Normal"),
}


def translator(lang: str) -> Callable[[str], str]:
    """t(phrase) for one language."""
    if lang == "en":
        return lambda phrase: EN.get(phrase, phrase)
    return lambda phrase: phrase


def label(table: dict[str, tuple[str, str]], key: str | None, lang: str) -> str:
    if key is None:
        return "-"
    pair = table.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]
