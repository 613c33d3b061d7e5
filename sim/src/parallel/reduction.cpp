#include "parallel/reduction.hpp"

namespace migsim::detail {

void reduce_tallies(Engine& e, StepAggregates& next) {
  const std::size_t mine = e.partition.local_blocks(e.n_agents);
  std::vector<double> money;  // per local block: every tallied money variable, in schema order
  for (std::size_t lb = 0; lb < mine; ++lb) {
    const Tally& t = e.tallies[lb];
    for (std::size_t k = 0; k < kOutputs.size(); ++k) {
      if (kOutputs[k].source != OutputSource::Tallied) continue;
      if (kOutputs[k].counts) {
        std::vector<std::int64_t>& total = next.*kOutputs[k].counts;
        for (std::size_t i = 0; i < total.size(); ++i) total[i] += t.counts[k][i];
      } else {
        money.insert(money.end(), t.money[k].begin(), t.money[k].end());
      }
    }
  }
  const std::vector<double> all = e.comm.gather(money);  // rank by rank, each in local block order
  const Partition& part = e.partition;
  const std::size_t blocks = Partition::blocks_of(e.n_agents), ranks = part.ranks;
  std::size_t width = 0;  // money values per block
  for (const auto& spec : kOutputs)
    if (spec.source == OutputSource::Tallied && spec.reals) width += e.shape().size(spec);
  std::vector<std::size_t> rank_offset(ranks, 0);  // first block total of each rank in `all`
  for (std::size_t r = 1; r < ranks; ++r) rank_offset[r] = rank_offset[r - 1] + part.blocks_held(e.n_agents, r - 1);
  const double scale = e.scale();
  for (std::size_t b = 0; b < blocks; ++b) {
    const double* block = &all[(rank_offset[b % ranks] + b / ranks) * width];
    for (const auto& spec : kOutputs) {
      if (spec.source != OutputSource::Tallied || !spec.reals) continue;
      std::vector<double>& total = next.*spec.reals;
      for (std::size_t i = 0; i < total.size(); ++i) total[i] += *block++ * scale;
    }
  }
}

void sum_over_ranks(const Engine& e, StepAggregates& next) {
  if (!e.comm.distributed()) return;
  std::vector<std::int64_t> buffer;
  auto summed = [](const OutputSpec& spec) {
    return spec.counts && (spec.source == OutputSource::Tallied || spec.source == OutputSource::Allocated);
  };
  for (const auto& spec : kOutputs)
    if (summed(spec)) buffer.insert(buffer.end(), (next.*spec.counts).begin(), (next.*spec.counts).end());
  e.comm.sum(buffer);
  auto from = buffer.begin();
  for (const auto& spec : kOutputs) {
    if (!summed(spec)) continue;
    std::vector<std::int64_t>& v = next.*spec.counts;
    std::copy(from, from + static_cast<std::ptrdiff_t>(v.size()), v.begin());
    from += static_cast<std::ptrdiff_t>(v.size());
  }
}

}  // namespace migsim::detail
