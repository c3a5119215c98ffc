// Compiles every protocol header once, so a header that does not stand alone fails here.
#include "actors/protocol/errors.hpp"
#include "actors/protocol/health.hpp"
#include "actors/protocol/id_offsets.hpp"
