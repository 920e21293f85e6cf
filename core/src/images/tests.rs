//! Behaviour of the images through machines on simulated time.
