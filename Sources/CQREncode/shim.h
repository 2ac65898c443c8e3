#pragma once
#include <qrencode.h>
#include <dlfcn.h>

/* libqrencode exports QRcode_encodeMask (it encodes with the given mask instead of trying all
   eight and scoring each) but leaves it out of its public header. erc looks it up at run time
   and falls back to QRcode_encodeInput when a build of the library lacks it. */
typedef QRcode *(*erc_qrcode_encode_mask)(QRinput *input, int mask);

static inline erc_qrcode_encode_mask erc_qrcode_find_encode_mask(void) {
    return (erc_qrcode_encode_mask)dlsym(RTLD_DEFAULT, "QRcode_encodeMask");
}
