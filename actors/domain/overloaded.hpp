#pragma once

namespace agora::domain {

/// A visitor from lambdas, for std::visit over a command variant.
template <class... Fs>
struct overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
overloaded(Fs...) -> overloaded<Fs...>;

} // namespace agora::domain
