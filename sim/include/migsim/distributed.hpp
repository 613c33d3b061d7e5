// Distributed runs: one simulation across MPI processes (ranks), with the same output as one
// process. See docs/distributed.md.
#pragma once

namespace migsim {

/// True if this build of migsim was compiled with MPI.
bool mpi_available();

/// True if this process was started by an MPI launcher (mpirun, mpiexec, srun), which the CLI
/// takes as a request to run distributed.
bool launched_by_mpi();

/// This process's rank in MPI_COMM_WORLD, or 0 if MPI is not in use. Only rank 0 writes output
/// files and prints progress.
int world_rank();

/// Ends every process of a distributed run with `code` (MPI_Abort) after a failure on one rank,
/// which would otherwise leave the others waiting; does nothing outside a distributed run.
void abort_distributed_run(int code);

/// Number of processes in MPI_COMM_WORLD, or 1 if MPI is not in use.
int world_size();

}  // namespace migsim
