// Compiles every protocol header once, so a header that does not stand alone fails here.
#include "actors/protocol/atoms.hpp"
#include "actors/protocol/catalog.hpp"
#include "actors/protocol/domain_types.hpp"
#include "actors/protocol/errors.hpp"
#include "actors/protocol/health.hpp"
#include "actors/protocol/id_offsets.hpp"
#include "actors/protocol/inventory.hpp"
